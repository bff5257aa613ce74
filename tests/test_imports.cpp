// core/presets: settings restored from other tools' PNGs (A1111/Forge "parameters", ComfyUI "prompt" and
// "workflow"), on PNGs written with those tools' chunk layout (Latin-1 tEXt chunks after IHDR, as PIL writes).
#include <algorithm>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/io/png_io.h"
#include "core/pipeline/request.h"
#include "core/presets/a1111_parameters.h"
#include "core/presets/comfyui_workflow.h"
#include "core/presets/png_restore.h"
#include "tests/support/expect_error.h"
#include "tests/support/fixtures.h"
#include "tests/support/png_chunks.h"

using namespace poseforge;
using namespace poseforge::presets;
using nlohmann::json;
using poseforge::test::expect_error;
using poseforge::test::TempDir;

namespace {

// What A1111 1.9 / Forge write: prompt lines (LoRA tags inside), "Negative prompt:" lines, one settings line.
const std::string kA1111 =
    "masterpiece, a dancer on a stage <lora:detail_tweaker:0.8>, dramatic light\n"
    "<lora:film grain:1.2>\n"
    "Negative prompt: blurry, lowres\n"
    "bad hands\n"
    "Steps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234567890, Size: 832x1216, "
    "Model hash: 31e35c80fc, Model: sd_xl_base_1.0, Denoising strength: 0.4, "
    "Hires prompt: \"a \\\"quoted\\\" word, with a comma\", "
    "Lora hashes: \"detail_tweaker: 0a1b2c3d4e5f, film grain: 5678abcd\", "
    "ControlNet 0: \"Module: openpose_full, Model: thibaud_xl_openpose [c7b9cadd], Weight: 0.8, Resize Mode: Crop "
    "and Resize, Processor Res: 512, Guidance Start: 0.1, Guidance End: 0.9, Pixel Perfect: False, Control Mode: "
    "Balanced\", "
    "ControlNet 1: \"Module: ip-adapter_clip_sdxl_plus_vith, Model: ip-adapter-plus_sdxl_vit-h [f1f19f7d], Weight: "
    "0.65, Guidance Start: 0, Guidance End: 1\", Version: v1.9.4";

bool has(const std::vector<std::string>& items, const std::string& part) {
  return std::any_of(items.begin(), items.end(),
                     [&](const std::string& s) { return s.find(part) != std::string::npos; });
}

// ComfyUI's API graph for SDXL + LoRA + ControlNet (OpenPose) + IP-Adapter, as its SaveImage stores it.
json comfy_prompt() {
  return json::parse(R"({
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
    "10": {"class_type": "LoraLoader", "inputs": {"lora_name": "detail.safetensors", "strength_model": 0.7,
           "strength_clip": 0.7, "model": ["4", 0], "clip": ["4", 1]}},
    "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a dancer, \"red\" dress", "clip": ["10", 1]}},
    "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["10", 1]}},
    "11": {"class_type": "ControlNetLoader", "inputs": {"control_net_name": "openpose_xl.safetensors"}},
    "12": {"class_type": "LoadImage", "inputs": {"image": "pose.png", "upload": "image"}},
    "13": {"class_type": "ControlNetApplyAdvanced", "inputs": {"positive": ["6", 0], "negative": ["7", 0],
           "control_net": ["11", 0], "image": ["12", 0], "strength": 0.85, "start_percent": 0.05,
           "end_percent": 0.95}},
    "14": {"class_type": "IPAdapterAdvanced", "inputs": {"model": ["10", 0], "weight": 0.55,
           "weight_type": "linear", "start_at": 0.0, "end_at": 1.0}},
    "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 896, "height": 1152, "batch_size": 1}},
    "3": {"class_type": "KSampler", "inputs": {"seed": 987654321, "steps": 25, "cfg": 6.5,
          "sampler_name": "dpmpp_2m", "scheduler": "karras", "denoise": 1.0, "model": ["14", 0],
          "positive": ["13", 0], "negative": ["13", 1], "latent_image": ["5", 0]}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
    "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}}
  })");
}

// The editor's graph of the basic workflow: nodes with widgets_values, links [id, from, slot, to, slot, type].
json comfy_workflow() {
  return json::parse(R"({
    "last_node_id": 9, "last_link_id": 9, "version": 0.4,
    "nodes": [
      {"id": 4, "type": "CheckpointLoaderSimple", "widgets_values": ["juggernautXL.safetensors"],
       "outputs": [{"name": "MODEL", "links": [1]}, {"name": "CLIP", "links": [3, 5]}]},
      {"id": 6, "type": "CLIPTextEncode", "inputs": [{"name": "clip", "type": "CLIP", "link": 3}],
       "widgets_values": ["a knight in armour"]},
      {"id": 7, "type": "CLIPTextEncode", "inputs": [{"name": "clip", "type": "CLIP", "link": 5}],
       "widgets_values": ["text, watermark"]},
      {"id": 5, "type": "EmptyLatentImage", "widgets_values": [1024, 768, 1]},
      {"id": 3, "type": "KSampler", "inputs": [{"name": "model", "type": "MODEL", "link": 1},
        {"name": "positive", "type": "CONDITIONING", "link": 4}, {"name": "negative", "type": "CONDITIONING", "link": 6},
        {"name": "latent_image", "type": "LATENT", "link": 2}],
       "widgets_values": [156680208700286, "randomize", 20, 8, "euler_ancestral", "normal", 1]}
    ],
    "links": [[1, 4, 0, 3, 0, "MODEL"], [2, 5, 0, 3, 3, "LATENT"], [3, 4, 1, 6, 0, "CLIP"],
              [4, 6, 0, 3, 1, "CONDITIONING"], [5, 4, 1, 7, 0, "CLIP"], [6, 7, 0, 3, 2, "CONDITIONING"]]
  })");
}

}  // namespace

TEST(A1111Parameters, ParsesPromptNegativeSettingsLorasAndControlNetUnits) {
  const ForeignParameters p = parse_a1111_parameters(kA1111);
  EXPECT_EQ(*p.prompt, "masterpiece, a dancer on a stage, dramatic light");
  EXPECT_EQ(*p.negative_prompt, "blurry, lowres\nbad hands");
  EXPECT_EQ(*p.steps, 30);
  EXPECT_EQ(*p.sampler, "DPM++ 2M");
  EXPECT_EQ(*p.schedule, "Karras");
  EXPECT_EQ(*p.cfg_scale, 7);
  EXPECT_EQ(*p.seed, 1234567890);
  EXPECT_EQ(*p.width, 832);
  EXPECT_EQ(*p.height, 1216);
  EXPECT_EQ(*p.model, "sd_xl_base_1.0");
  ASSERT_EQ(p.loras.size(), 2u);
  EXPECT_EQ(p.loras[0].name, "detail_tweaker");
  EXPECT_EQ(p.loras[0].weight, 0.8);
  EXPECT_EQ(p.loras[0].hash, "0a1b2c3d4e5f");
  EXPECT_EQ(p.loras[1].name, "film grain");
  EXPECT_EQ(p.loras[1].weight, 1.2);
  EXPECT_EQ(p.loras[1].hash, "5678abcd");
  EXPECT_EQ(*p.controlnet_weight, 0.8);
  EXPECT_EQ(*p.control_start, 0.1);
  EXPECT_EQ(*p.control_end, 0.9);
  EXPECT_EQ(*p.ip_adapter_weight, 0.65);
  const auto hires =
      std::find_if(p.unmapped.begin(), p.unmapped.end(), [](auto& kv) { return kv.first == "Hires prompt"; });
  ASSERT_NE(hires, p.unmapped.end());
  EXPECT_EQ(hires->second, "a \"quoted\" word, with a comma");

  // Old sampler names carry the schedule; a prompt alone (no settings line) is a prompt.
  const ForeignParameters old = parse_a1111_parameters("a cat\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 5");
  pipeline::Request r;
  r.scheduler = "Euler";
  const RestoreReport report = apply_foreign_parameters(old, r);
  EXPECT_EQ(r.scheduler, "DPM++ 2M Karras");
  EXPECT_EQ(r.prompt, "a cat");
  EXPECT_TRUE(report.not_restored.empty()) << report.message();
  // A schedule with no combined sampler name of ours goes to the schedule setting; an unknown one is reported.
  const ForeignParameters trailing =
      parse_a1111_parameters("a cat\nSteps: 4, Sampler: Euler, Schedule type: SGM Uniform, CFG scale: 1");
  pipeline::Request t;
  const RestoreReport trailing_report = apply_foreign_parameters(trailing, t);
  EXPECT_EQ(t.scheduler, "Euler");
  EXPECT_EQ(t.schedule, "SGM Uniform");
  EXPECT_TRUE(trailing_report.not_restored.empty()) << trailing_report.message();
  pipeline::Request u;
  const RestoreReport unknown =
      apply_foreign_parameters(parse_a1111_parameters("a cat\nSteps: 4, Sampler: Euler, Schedule type: Wobbly"), u);
  EXPECT_EQ(u.schedule, pipeline::Request{}.schedule);
  EXPECT_NE(unknown.message().find("Schedule type: Wobbly"), std::string::npos) << unknown.message();
  const ForeignParameters only_prompt = parse_a1111_parameters("just words, Steps: many");
  EXPECT_EQ(*only_prompt.prompt, "just words, Steps: many");
  EXPECT_FALSE(only_prompt.steps);
  expect_error([] { parse_a1111_parameters("x\nSteps: thirty, Sampler: Euler, CFG scale: 7"); }, {"Steps", "thirty"});
  expect_error([] { parse_a1111_parameters("x\nSteps: 3, Size: big, CFG scale: 7"); }, {"Size", "big"});
}

TEST(PngRestore, A1111PngRestoresWhatMapsAndListsTheRest) {
  TempDir dir;
  const auto png = dir / "00012-1234567890.png";
  test::write_png_with_text(png, 83, 121, {{"parameters", kA1111}});
  ASSERT_EQ(io::read_png_text(png).at("parameters"), kA1111);
  pipeline::Request base;
  base.pose_json = "keep.json";
  const auto restored = restore_from_png(png, base);
  ASSERT_TRUE(restored);
  const pipeline::Request& r = restored->request;
  EXPECT_EQ(r.prompt, "masterpiece, a dancer on a stage, dramatic light");
  EXPECT_EQ(r.negative_prompt, "blurry, lowres\nbad hands");
  EXPECT_EQ(r.scheduler, "DPM++ 2M Karras");
  EXPECT_EQ(r.steps, 30);
  EXPECT_EQ(r.guidance_scale, 7);
  EXPECT_EQ(r.seed, 1234567890);
  EXPECT_EQ(r.width, 832);
  EXPECT_EQ(r.height, 1216);
  EXPECT_EQ(r.controlnet_scale, 0.8);
  EXPECT_EQ(r.control_start, 0.1);
  EXPECT_EQ(r.control_end, 0.9);
  EXPECT_EQ(r.ip_adapter_scale, 0.65);
  EXPECT_EQ(r.pose_json, "keep.json");  // not in the file: the base's value stays
  const RestoreReport& report = restored->report;
  EXPECT_EQ(report.tool, "A1111/Forge");
  for (const char* part : {"prompt", "negative prompt", "sampler DPM++ 2M Karras", "steps 30", "seed 1234567890",
                           "size 832x1216", "ControlNet weight 0.8", "IP-Adapter weight 0.65"})
    EXPECT_TRUE(has(report.restored, part)) << part << " not in " << report.message();
  for (const char* part : {"Model: sd_xl_base_1.0", "LoRA detail_tweaker (0.8)", "LoRA film grain (1.2)",
                           "Denoising strength: 0.4", "Hires prompt"})
    EXPECT_TRUE(has(report.not_restored, part)) << part << " not in " << report.message();
  EXPECT_NE(report.message().find("not restored"), std::string::npos);

  // Forge's Latin-1 tEXt: "é" as one byte comes back as UTF-8.
  test::write_png_with_text(png, 8, 8,
                            {{"parameters", "caf\xE9\nSteps: 4, Sampler: Euler a, Schedule type: Automatic"}});
  const auto latin = restore_from_png(png);
  EXPECT_EQ(latin->request.prompt, "caf\xC3\xA9");
  EXPECT_EQ(latin->request.scheduler, "Euler a");
  EXPECT_TRUE(latin->report.not_restored.empty()) << latin->report.message();
}

TEST(PngRestore, ComfyPromptChunkFollowsTheSamplersLinks) {
  TempDir dir;
  const auto png = dir / "ComfyUI_00001_.png";
  test::write_png_with_text(png, 64, 80, {{"prompt", comfy_prompt().dump()}, {"workflow", comfy_workflow().dump()}});
  const auto restored = restore_from_png(png);
  ASSERT_TRUE(restored);
  const pipeline::Request& r = restored->request;
  EXPECT_EQ(r.prompt, "a dancer, \"red\" dress");
  EXPECT_EQ(r.negative_prompt, "blurry");
  EXPECT_EQ(r.seed, 987654321);
  EXPECT_EQ(r.steps, 25);
  EXPECT_EQ(r.guidance_scale, 6.5);
  EXPECT_EQ(r.scheduler, "DPM++ 2M Karras");
  EXPECT_EQ(r.width, 896);
  EXPECT_EQ(r.height, 1152);
  EXPECT_EQ(r.controlnet_scale, 0.85);
  EXPECT_EQ(r.control_start, 0.05);
  EXPECT_EQ(r.control_end, 0.95);
  EXPECT_EQ(r.ip_adapter_scale, 0.55);
  EXPECT_EQ(restored->report.tool, "ComfyUI");  // the prompt chunk (what ran) wins over the workflow
  EXPECT_TRUE(has(restored->report.not_restored, "Model: sd_xl_base_1.0.safetensors"));
  EXPECT_TRUE(has(restored->report.not_restored, "LoRA detail.safetensors (0.7)"));
}

TEST(PngRestore, ComfyWorkflowChunkAloneIsRead) {
  TempDir dir;
  const auto png = dir / "workflow_only.png";
  test::write_png_with_text(png, 16, 16, {{"workflow", comfy_workflow().dump()}});
  const auto restored = restore_from_png(png);
  ASSERT_TRUE(restored);
  const pipeline::Request& r = restored->request;
  EXPECT_EQ(r.prompt, "a knight in armour");
  EXPECT_EQ(r.negative_prompt, "text, watermark");
  EXPECT_EQ(r.seed, 156680208700286);
  EXPECT_EQ(r.steps, 20);
  EXPECT_EQ(r.guidance_scale, 8);
  EXPECT_EQ(r.scheduler, "Euler a");
  EXPECT_EQ(r.width, 1024);
  EXPECT_EQ(r.height, 768);
  EXPECT_TRUE(has(restored->report.not_restored, "juggernautXL"));
}

TEST(PngRestore, BrokenChunksNameFileAndChunk) {
  TempDir dir;
  const auto png = dir / "broken.png";
  test::write_png_with_text(png, 8, 8, {{"prompt", "{\"3\": {"}});
  expect_error([&] { restore_from_png(png); }, {"broken.png", "'prompt'", "not valid JSON"});
  test::write_png_with_text(png, 8, 8, {{"prompt", "{\"1\": {\"class_type\": \"VAEDecode\", \"inputs\": {}}}"}});
  expect_error([&] { restore_from_png(png); }, {"broken.png", "KSampler"});
  test::write_png_with_text(png, 8, 8, {{"Software", "GIMP"}});
  EXPECT_FALSE(restore_from_png(png));
  // Our own PNGs: the whole request.
  pipeline::Request ours;
  ours.prompt = "ours";
  ours.steps = 12;
  test::write_png_with_text(png, 8, 8, {{"parameters", "not this"}, {"poseforge", ours.to_json().dump()}});
  const auto back = restore_from_png(png);
  EXPECT_EQ(back->request.prompt, "ours");
  EXPECT_EQ(back->request.steps, 12);
  EXPECT_EQ(back->report.tool, "PoseForge");
}
