// core/checkpoints: single-file SDXL checkpoints equal to the fixture folders, sharded weights, LoRA parity,
// and the errors for what is not SDXL.
#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "core/checkpoints/controlnet_file.h"
#include "core/checkpoints/lora_file.h"
#include "core/checkpoints/lora_merger.h"
#include "core/checkpoints/lora_targets.h"
#include "core/checkpoints/sharded_weights.h"
#include "core/checkpoints/single_file_checkpoint.h"
#include "core/diffusion/autoencoder_kl.h"
#include "core/diffusion/unet_2d_condition.h"
#include "core/io/safetensors.h"
#include "core/io/state_dict.h"
#include "core/pipeline/model_set.h"
#include "core/text/clip_text_model.h"
#include "core/text/clip_tokenizer.h"
#include "tests/support/expect_error.h"
#include "tests/support/pipeline_fixtures.h"
#include "tests/support/fixtures.h"
#include "tests/support/parity.h"
#include "tests/support/single_file_configs.h"
#include "tests/support/torch_zip_writer.h"

using namespace poseforge;
using poseforge::test::expect_error;
using poseforge::test::fixture;

namespace {

constexpr double kTolerance = 1e-3;  // fixtures README: networks max|a-b| / max|b|

// Every parameter and buffer of `a` bit-equal to `b`'s of the same name (and the same name sets).
void expect_same_parameters(const std::string& what, torch::nn::Module& a, torch::nn::Module& b,
                            torch::Dtype through = torch::kFloat32) {
  auto pa = a.named_parameters(), pb = b.named_parameters();
  ASSERT_EQ(pa.size(), pb.size()) << what;
  std::size_t compared = 0;
  for (const auto& item : pb) {
    const torch::Tensor* mine = pa.find(item.key());
    ASSERT_NE(mine, nullptr) << what << ": " << item.key();
    const auto expected = item.value().to(through).to(torch::kFloat32);
    EXPECT_TRUE(torch::equal(mine->to(torch::kFloat32), expected)) << what << ": " << item.key() << " differs";
    ++compared;
  }
  const auto buffers = a.named_buffers();  // find() points into this dict: it must outlive the pointer
  for (const auto& item : b.named_buffers()) {
    const torch::Tensor* mine = buffers.find(item.key());
    ASSERT_NE(mine, nullptr) << what << ": buffer " << item.key();
    EXPECT_TRUE(torch::equal(*mine, item.value())) << what << ": buffer " << item.key();
  }
  std::cout << "  " << what << ": " << compared << " parameters equal\n";
}

struct FolderModels {
  diffusion::UNet2DConditionModel unet = diffusion::load_unet(fixture("unet/unet"), torch::kCPU, torch::kFloat32);
  diffusion::AutoencoderKL vae = diffusion::load_autoencoder_kl(fixture("vae/vae"), torch::kCPU, torch::kFloat32);
  text::ClipTextModel te1 = text::load_clip_text_model(fixture("text_encoders/text_encoder"));
  text::ClipTextModel te2 = text::load_clip_text_model(fixture("text_encoders/text_encoder_2"));
};

// The UNet inputs of unet/expected.safetensors.
diffusion::UNetConditioning unet_conditioning(const io::TensorMap& u) {
  diffusion::UNetConditioning c;
  c.timestep = u.at("timestep");
  c.encoder_hidden_states = u.at("encoder_hidden_states");
  c.text_embeds = u.at("text_embeds");
  c.time_ids = u.at("time_ids");
  return c;
}

checkpoints::SdxlCheckpoint load_tiny(const std::filesystem::path& file, const std::filesystem::path& configs) {
  return checkpoints::load_sdxl_checkpoint(file, configs, torch::kCPU, torch::kFloat32, torch::kCPU);
}

void expect_equal_to_folders(checkpoints::SdxlCheckpoint c, torch::Dtype through = torch::kFloat32) {
  FolderModels f;
  expect_same_parameters("unet", *c.unet, *f.unet, through);
  expect_same_parameters("vae", *c.vae, *f.vae, through);
  expect_same_parameters("text_encoder", *c.text_encoder, *f.te1, through);
  expect_same_parameters("text_encoder_2", *c.text_encoder_2, *f.te2, through);
}

}  // namespace

TEST(SingleFileCheckpoint, GivesExactlyTheFixtureFoldersParameters) {
  test::TempDir dir;
  const auto configs = test::write_single_file_configs(dir / "configs");
  expect_equal_to_folders(load_tiny(fixture("formats/single_file/sdxl_tiny.safetensors"), configs));
}

TEST(SingleFileCheckpoint, UNetVaeAndTextEncoderExpectationsHold) {
  torch::NoGradGuard no_grad;
  test::TempDir dir;
  auto c = load_tiny(fixture("formats/single_file/sdxl_tiny.safetensors"), test::write_single_file_configs(dir / "c"));
  const auto u = io::SafetensorsFile(fixture("unet/expected.safetensors")).tensors();
  const diffusion::UNetConditioning cond = unet_conditioning(u);
  EXPECT_TRUE(test::check_close("unet_out", c.unet->forward(u.at("sample"), cond), u.at("unet_out"), kTolerance));
  const auto v = io::SafetensorsFile(fixture("vae/expected.safetensors")).tensors();
  EXPECT_TRUE(test::check_close("decoded", c.vae->decode(v.at("latents")), v.at("decoded"), kTolerance));
  EXPECT_TRUE(
      test::check_close("posterior_mean", c.vae->encode(v.at("image")).mean, v.at("posterior_mean"), kTolerance));
  const auto t = io::SafetensorsFile(fixture("text_encoders/expected.safetensors")).tensors();
  for (auto [name, model] :
       {std::pair{std::string("text_encoder"), c.text_encoder}, {"text_encoder_2", c.text_encoder_2}}) {
    const auto out = model->forward(t.at(name + ".input_ids").to(torch::kLong));
    EXPECT_TRUE(test::check_close(name + ".last_hidden_state", out.last_hidden_state, t.at(name + ".last_hidden_state"),
                                  kTolerance));
    EXPECT_TRUE(test::check_close(name + ".penultimate_hidden_state", out.penultimate(),
                                  t.at(name + ".penultimate_hidden_state"), kTolerance));
  }
  EXPECT_TRUE(
      test::check_close("text_encoder_2.text_embeds",
                        c.text_encoder_2->forward(t.at("text_encoder_2.input_ids").to(torch::kLong)).text_embeds,
                        t.at("text_encoder_2.text_embeds"), kTolerance));
}

TEST(SingleFileCheckpoint, Float32AndBfloat16FilesLoadTheirValues) {
  test::TempDir dir;
  const auto configs = test::write_single_file_configs(dir / "c");
  const auto tensors = io::SafetensorsFile(fixture("formats/single_file/sdxl_tiny.safetensors")).tensors();
  for (const auto dtype : {torch::kFloat32, torch::kBFloat16}) {
    io::TensorMap converted;
    for (const auto& [name, t] : tensors) converted.emplace(name, t.to(dtype));
    const auto file = dir / (std::string("tiny_") + io::dtype_name(dtype) + ".safetensors");
    io::write_safetensors(file, converted);
    expect_equal_to_folders(load_tiny(file, configs), dtype);
  }
}

TEST(SingleFileCheckpoint, CkptWithStateDictNestingLoads) {
  test::TempDir dir;
  test::write_torch_zip_checkpoint(dir / "tiny.ckpt",
                                   io::SafetensorsFile(fixture("formats/single_file/sdxl_tiny.safetensors")).tensors(),
                                   "state_dict");
  expect_equal_to_folders(load_tiny(dir / "tiny.ckpt", test::write_single_file_configs(dir / "c")));
}

TEST(SingleFileCheckpoint, ShippedSdxlConfigsAreCheckedAgainstTheShapes) {
  // The tiny file with SDXL base's real sizes: an error naming a tensor and both shapes, and the config used.
  expect_error([] { load_tiny(fixture("formats/single_file/sdxl_tiny.safetensors"), {}); },
               {"sdxl_tiny.safetensors", "file has", "model expects", "shipped SDXL base configs"});
}

TEST(SingleFileCheckpoint, SeparateVaeFileInLdmAndDiffusersLayouts) {
  test::TempDir dir;
  const auto configs = test::write_single_file_configs(dir / "c");
  // ldm layout without the first_stage_model. prefix, as sdxl_vae.safetensors
  const auto ldm = io::sub_map(io::SafetensorsFile(fixture("formats/single_file/sdxl_tiny.safetensors")).tensors(),
                               "first_stage_model.");
  io::write_safetensors(dir / "sdxl_vae.safetensors", ldm);
  FolderModels f;
  auto vae = checkpoints::load_vae_file(dir / "sdxl_vae.safetensors", configs, torch::kCPU, torch::kFloat32);
  expect_same_parameters("ldm vae file", *vae, *f.vae);
  auto diffusers = checkpoints::load_vae_file(fixture("vae/vae/diffusion_pytorch_model.safetensors"), configs,
                                              torch::kCPU, torch::kFloat32);
  expect_same_parameters("diffusers vae file", *diffusers, *f.vae);
}

// ---- LoRA ----------------------------------------------------------------------------------------

namespace {

struct LoraModels {
  FolderModels m;
  checkpoints::LoraTargets targets{*m.unet, m.unet->config(), *m.te1, *m.te2};
  torch::nn::Module& component(const std::string& name) {
    return name == "unet"           ? static_cast<torch::nn::Module&>(*m.unet)
           : name == "text_encoder" ? static_cast<torch::nn::Module&>(*m.te1)
                                    : *m.te2;
  }
};

// Every parameter of the three models, cloned.
std::map<std::string, torch::Tensor> snapshot(LoraModels& models) {
  std::map<std::string, torch::Tensor> out;
  for (const char* c : {"unet", "text_encoder", "text_encoder_2"}) {
    for (const auto& item : models.component(c).named_parameters())
      out[std::string(c) + "/" + item.key()] = item.value().clone();
  }
  return out;
}

void expect_bit_equal(LoraModels& models, const std::map<std::string, torch::Tensor>& before) {
  std::size_t differ = 0;
  for (const auto& [key, value] : snapshot(models)) differ += !torch::equal(value, before.at(key));
  EXPECT_EQ(differ, 0u) << "parameters not restored bit-exactly";
}

const char* const kLoraFiles[] = {"lora_kohya.safetensors", "lora_kohya_diffusers_names.safetensors",
                                  "lora_diffusers.safetensors"};

}  // namespace

TEST(Lora, FilesCarryTheFixtureRankAlphaAndTargets) {
  const auto params = test::fixture_json("formats/lora/params.json");
  std::set<std::string> targets;
  for (const char* key : {"unet_targets", "text_encoder_targets"}) {
    for (const auto& t : params.at(key)) targets.insert(t.get<std::string>());
  }
  for (const char* name : kLoraFiles) {
    const auto file = checkpoints::LoraFile::load(fixture(std::string("formats/lora/") + name));
    ASSERT_FALSE(file.layers.empty()) << name;
    for (const auto& layer : file.layers) {
      EXPECT_EQ(layer.rank(), params.at("rank").get<std::int64_t>()) << name << " " << layer.name;
      EXPECT_DOUBLE_EQ(layer.alpha, params.at("alpha").get<double>()) << name << " " << layer.name;
      bool targeted = false;  // the layer name ends with one of the targets (dots or kohya underscores)
      for (std::string t : targets) {
        for (const std::string& form : {t, [&] {
                                          std::replace(t.begin(), t.end(), '.', '_');
                                          return t;
                                        }()}) {
          targeted |= layer.name.size() > form.size() &&
                      layer.name.compare(layer.name.size() - form.size(), form.size(), form) == 0;
        }
      }
      EXPECT_TRUE(targeted) << name << ": " << layer.name;
    }
  }
}

TEST(Lora, PeftAlphaPatternSetsOneLayersAlphaAsPeftMatchesIt) {
  // The fixture's PEFT file with its metadata rewritten: one module gets its own alpha by pattern.
  const auto source = fixture("formats/lora/lora_diffusers.safetensors");
  const auto original = checkpoints::LoraFile::load(source);
  ASSERT_GE(original.layers.size(), 2u);
  const std::string& target = original.layers.front().name;  // "unet.down_blocks....to_q"
  const std::string component = target.substr(0, target.find('.'));
  const std::string module = target.substr(target.find('.') + 1);
  // PEFT matches a pattern against the module's name: the whole name or its last dotted parts.
  const std::string tail = module.substr(module.find('.') + 1);
  const double base = original.layers.front().alpha, special = base * 3 + 1;
  nlohmann::json meta = nlohmann::json::parse(io::SafetensorsFile(source).metadata().at("lora_adapter_metadata"));
  meta[component + ".alpha_pattern"] = {{tail, special}};
  test::TempDir dir;
  io::write_safetensors(dir / "lora.safetensors", io::load_tensors(source), {{"lora_adapter_metadata", meta.dump()}});
  const auto patterned = checkpoints::LoraFile::load(dir / "lora.safetensors");
  ASSERT_EQ(patterned.layers.size(), original.layers.size());
  for (std::size_t i = 0; i < patterned.layers.size(); ++i) {
    const auto& layer = patterned.layers[i];
    const bool matched = layer.name == target ||
                         (layer.name.rfind(component + ".", 0) == 0 && layer.name.size() > tail.size() &&
                          layer.name.compare(layer.name.size() - tail.size() - 1, tail.size() + 1, "." + tail) == 0);
    EXPECT_DOUBLE_EQ(layer.alpha, matched ? special : original.layers[i].alpha) << layer.name;
  }
  // A pattern that is not a regular expression is an error naming it.
  meta[component + ".alpha_pattern"] = {{"to_q(", special}};
  io::write_safetensors(dir / "bad.safetensors", io::load_tensors(source), {{"lora_adapter_metadata", meta.dump()}});
  expect_error([&] { checkpoints::LoraFile::load(dir / "bad.safetensors"); }, {"bad.safetensors", "alpha_pattern", "to_q("});
}

TEST(Lora, AllThreeLayoutsMergeAsDiffusersAndRestoreBitExactly) {
  torch::NoGradGuard no_grad;
  const auto params = test::fixture_json("formats/lora/params.json");
  const double weight = params.at("weight").get<double>();
  const auto expected = io::SafetensorsFile(fixture("formats/lora/expected.safetensors")).tensors();
  const auto u = io::SafetensorsFile(fixture("unet/expected.safetensors")).tensors();
  const auto t = io::SafetensorsFile(fixture("text_encoders/expected.safetensors")).tensors();
  for (const char* name : kLoraFiles) {
    SCOPED_TRACE(name);
    LoraModels models;
    const auto before = snapshot(models);
    checkpoints::LoraMerger merger;
    ASSERT_TRUE(merger.apply({{fixture(std::string("formats/lora/") + name), weight}}, models.targets));
    // merged weights: "merged.<component>.<parameter>" (text encoders with or without "text_model.")
    std::size_t merged = 0;
    for (const auto& [key, value] : expected) {
      if (key.rfind("merged.", 0) != 0) continue;
      const std::string rest = key.substr(7);
      const std::string component = rest.rfind("text_encoder_2.", 0) == 0 ? "text_encoder_2"
                                    : rest.rfind("text_encoder.", 0) == 0 ? "text_encoder"
                                                                          : "unet";
      std::string parameter = rest.substr(component.size() + 1);
      if (component != "unet" && parameter.rfind("text_model.", 0) != 0) parameter = "text_model." + parameter;
      const auto parameters = models.component(component).named_parameters();  // p points into it
      const torch::Tensor* p = parameters.find(parameter);
      ASSERT_NE(p, nullptr) << parameter;
      EXPECT_TRUE(test::check_close(key, *p, value, 1e-5));
      ++merged;
    }
    EXPECT_GT(merged, 0u);
    const diffusion::UNetConditioning cond = unet_conditioning(u);
    EXPECT_TRUE(test::check_close("unet_out", models.m.unet->forward(u.at("sample"), cond), expected.at("unet_out"),
                                  kTolerance));
    for (auto [te, model] : {std::pair{std::string("text_encoder"), models.m.te1}, {"text_encoder_2", models.m.te2}}) {
      const auto out = model->forward(t.at(te + ".input_ids").to(torch::kLong));
      EXPECT_TRUE(test::check_close(te + ".last_hidden_state", out.last_hidden_state,
                                    expected.at(te + ".last_hidden_state"), kTolerance));
      EXPECT_TRUE(test::check_close(te + ".penultimate_hidden_state", out.penultimate(),
                                    expected.at(te + ".penultimate_hidden_state"), kTolerance));
    }
    // a weight change re-merges from the originals; an empty list restores them bit for bit
    ASSERT_TRUE(merger.apply({{fixture(std::string("formats/lora/") + name), weight * 0.5}}, models.targets));
    EXPECT_FALSE(merger.apply(merger.current(), models.targets));
    ASSERT_TRUE(merger.apply({}, models.targets));
    expect_bit_equal(models, before);
  }
}

TEST(Lora, SeveralLorasAddTheirDeltas) {
  torch::NoGradGuard no_grad;
  LoraModels models;
  const auto before = snapshot(models);
  const auto kohya = fixture("formats/lora/lora_kohya.safetensors");
  const auto peft = fixture("formats/lora/lora_diffusers.safetensors");
  checkpoints::LoraMerger merger;
  merger.apply({{kohya, 0.5}}, models.targets);
  const auto half = snapshot(models);
  merger.apply({{kohya, 0.5}, {peft, 0.5}}, models.targets);  // the same adapter twice at 0.5: once at 1.0
  const auto both = snapshot(models);
  merger.apply({{kohya, 1.0}}, models.targets);
  for (const auto& [key, value] : snapshot(models)) {
    EXPECT_TRUE(test::check_close(key, both.at(key), value, 1e-5));
    if (!torch::equal(value, before.at(key))) {
      EXPECT_FALSE(torch::equal(half.at(key), value)) << key;
    }
  }
  merger.restore();
  expect_bit_equal(models, before);
}

TEST(Lora, AnotherBaseModelsLoraIsAnErrorNamingTheKeysAndChangesNothing) {
  torch::NoGradGuard no_grad;
  test::TempDir dir;
  LoraModels models;
  const auto before = snapshot(models);
  io::write_safetensors(
      dir / "sd15.safetensors",
      {{"lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight", torch::zeros({4, 768})},
       {"lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight", torch::zeros({768, 4})}});
  checkpoints::LoraMerger merger;
  expect_error(
      [&] {
        merger.apply({{dir / "sd15.safetensors", 1.0}}, models.targets);
      },
      {"sd15.safetensors", "lora_te_text_model_encoder_layers_0_self_attn_q_proj", "SD1.x"});
  io::write_safetensors(dir / "other.safetensors",
                        {{"lora_unet_some_layer_nobody_has.lora_down.weight", torch::zeros({4, 8})},
                         {"lora_unet_some_layer_nobody_has.lora_up.weight", torch::zeros({8, 4})}});
  expect_error(
      [&] {
        merger.apply({{dir / "other.safetensors", 1.0}}, models.targets);
      },
      {"other.safetensors", "lora_unet_some_layer_nobody_has", "another base model"});
  // right name, wrong shape (an SD1.5 cross-attention has 768-wide keys)
  io::write_safetensors(dir / "shape.safetensors",
                        {{"unet.down_blocks.1.attentions.0.proj_in.lora_A.weight", torch::zeros({4, 768})},
                         {"unet.down_blocks.1.attentions.0.proj_in.lora_B.weight", torch::zeros({768, 4})}});
  expect_error(
      [&] {
        merger.apply({{dir / "shape.safetensors", 1.0}}, models.targets);
      },
      {"shape.safetensors", "down_blocks.1.attentions.0.proj_in", "[4, 768]"});
  expect_bit_equal(models, before);
}

TEST(Lora, ConvolutionLayersMergeAsUpTimesDown) {
  // LoCon: a conv LoRA on a resnet conv1 (SGM kohya name), checked against the formula by hand.
  torch::NoGradGuard no_grad;
  test::TempDir dir;
  LoraModels models;
  const std::string param = "down_blocks.0.resnets.0.conv1.weight";
  const torch::Tensor w0 = models.m.unet->named_parameters()[param].clone();
  const auto out = w0.size(0), in = w0.size(1), k = w0.size(2);
  const torch::Tensor down = torch::randn({2, in, k, k}), up = torch::randn({out, 2, 1, 1});
  io::write_safetensors(dir / "locon.safetensors",
                        {{"lora_unet_input_blocks_1_0_in_layers_2.lora_down.weight", down},
                         {"lora_unet_input_blocks_1_0_in_layers_2.lora_up.weight", up},
                         {"lora_unet_input_blocks_1_0_in_layers_2.alpha", torch::tensor(1.0)}});
  checkpoints::LoraMerger merger;
  merger.apply({{dir / "locon.safetensors", 0.8}}, models.targets);
  const torch::Tensor expected = w0 + 0.8 * (1.0 / 2) * up.flatten(1).matmul(down.flatten(1)).reshape(w0.sizes());
  EXPECT_TRUE(test::check_close("conv1", models.m.unet->named_parameters()[param], expected, 1e-6));
}

// ---- sharded weights, ControlNet without config --------------------------------------------------

namespace {

// Writes `tensors` as <dir>/<stem>-0000K-of-0000N.safetensors shards plus <dir>/<stem>.safetensors.index.json.
void write_sharded(const std::filesystem::path& dir, const std::string& stem, const io::TensorMap& tensors,
                   int shards) {
  std::filesystem::create_directories(dir);
  std::vector<io::TensorMap> parts(static_cast<std::size_t>(shards));
  nlohmann::json map = nlohmann::json::object();
  int i = 0;
  for (const auto& [name, t] : tensors) {
    const int k = i++ % shards;
    parts[static_cast<std::size_t>(k)].emplace(name, t);
    map[name] = fmt::format("{}-{:05}-of-{:05}.safetensors", stem, k + 1, shards);
  }
  for (int k = 0; k < shards; ++k) {
    io::write_safetensors(dir / fmt::format("{}-{:05}-of-{:05}.safetensors", stem, k + 1, shards),
                          parts[static_cast<std::size_t>(k)]);
  }
  std::ofstream(dir / (stem + ".safetensors.index.json"))
      << nlohmann::json{{"metadata", {{"total_size", 0}}}, {"weight_map", map}}.dump(2);
}

}  // namespace

TEST(ShardedWeights, EveryComponentLoadsEqualFromShards) {
  test::TempDir dir;
  FolderModels f;
  // UNet and VAE (diffusers folders), text encoders (transformers folders)
  for (const auto& [component, folder, stem] :
       {std::tuple<std::string, std::string, std::string>{"unet", "unet/unet", "diffusion_pytorch_model"},
        {"vae", "vae/vae", "diffusion_pytorch_model"},
        {"text_encoder", "text_encoders/text_encoder", "model"},
        {"text_encoder_2", "text_encoders/text_encoder_2", "model"}}) {
    const auto out = dir / component;
    const auto weights = stem == "model" ? fixture(folder + "/model.safetensors")
                                         : fixture(folder + "/diffusion_pytorch_model.safetensors");
    write_sharded(out, stem, io::SafetensorsFile(weights).tensors(), 3);
    std::filesystem::copy_file(fixture(folder + "/config.json"), out / "config.json");
  }
  auto unet = diffusion::load_unet(dir / "unet", torch::kCPU, torch::kFloat32);
  expect_same_parameters("sharded unet", *unet, *f.unet);
  auto vae = diffusion::load_autoencoder_kl(dir / "vae", torch::kCPU, torch::kFloat32);
  expect_same_parameters("sharded vae", *vae, *f.vae);
  auto te1 = text::load_clip_text_model(dir / "text_encoder");
  expect_same_parameters("sharded text_encoder", *te1, *f.te1);
  auto te2 = text::load_clip_text_model(dir / "text_encoder_2");
  expect_same_parameters("sharded text_encoder_2", *te2, *f.te2);
  // a shard missing is an error naming it
  std::filesystem::remove(dir / "vae" / "diffusion_pytorch_model-00002-of-00003.safetensors");
  expect_error([&] { diffusion::load_autoencoder_kl(dir / "vae", torch::kCPU, torch::kFloat32); },
               {"diffusion_pytorch_model-00002-of-00003.safetensors", "missing"});
}

TEST(ControlNetFile, OneFileWithoutConfigLoadsWithTheUNetsConfig) {
  test::TempDir dir;
  FolderModels f;
  auto folder = diffusion::load_controlnet(fixture("unet/controlnet"), torch::kCPU, torch::kFloat32);
  const auto weights = fixture("unet/controlnet/diffusion_pytorch_model.safetensors");
  std::filesystem::copy_file(weights, dir / "OpenPoseXL2.safetensors");
  auto file =
      checkpoints::load_controlnet_any(dir / "OpenPoseXL2.safetensors", f.unet->config(), torch::kCPU, torch::kFloat32);
  expect_same_parameters("controlnet file", *file, *folder);
  EXPECT_EQ(file->controlnet_config().conditioning_embedding_out_channels,
            folder->controlnet_config().conditioning_embedding_out_channels);
  // its outputs are the folder's
  torch::NoGradGuard no_grad;
  const auto u = io::SafetensorsFile(fixture("unet/expected.safetensors")).tensors();
  const diffusion::UNetConditioning cond = unet_conditioning(u);
  const auto r = file->forward(u.at("sample"), cond, u.at("controlnet_cond"), u.at("conditioning_scale"));
  EXPECT_TRUE(test::check_close("controlnet_mid", r.mid, u.at("controlnet_mid"), kTolerance));
}

// ---- what is not SDXL: errors a user can act on --------------------------------------------------

namespace {

// A copy of a fixture model folder with config.json edited by `edit`.
std::filesystem::path edited_folder(const std::filesystem::path& dir, const std::string& folder,
                                    const std::function<void(nlohmann::json&)>& edit) {
  const auto out = dir / std::filesystem::path(folder).filename();
  std::filesystem::create_directories(dir);
  std::filesystem::copy(fixture(folder), out, std::filesystem::copy_options::recursive);
  nlohmann::json config = test::fixture_json(folder + "/config.json");
  edit(config);
  std::ofstream(out / "config.json") << config.dump(2);
  return out;
}

pipeline::ModelSet load_set(const pipeline::ModelPaths& p) {
  return pipeline::ModelSet::load(p, torch::kCPU, torch::kFloat32);
}

}  // namespace

TEST(NotSdxl, SingleFileSd15RefinerAnd16ChannelCheckpointsAreNamed) {
  test::TempDir dir;
  const auto z = [](std::vector<std::int64_t> shape) { return torch::zeros(shape, torch::kFloat16); };
  io::write_safetensors(dir / "v1-5-pruned.safetensors",
                        {{"cond_stage_model.transformer.text_model.final_layer_norm.weight", z({768})},
                         {"model.diffusion_model.input_blocks.0.0.weight", z({320, 4, 3, 3})}});
  expect_error([&] { load_tiny(dir / "v1-5-pruned.safetensors", {}); },
               {"v1-5-pruned.safetensors", "SD1.x", "expected an SDXL"});
  io::write_safetensors(dir / "sd_xl_refiner_1.0.safetensors",
                        {{"conditioner.embedders.0.model.ln_final.weight", z({1280})},
                         {"model.diffusion_model.label_emb.0.0.weight", z({1536, 2560})}});
  expect_error([&] { load_tiny(dir / "sd_xl_refiner_1.0.safetensors", {}); },
               {"sd_xl_refiner_1.0.safetensors", "refiner", "expected an SDXL"});
  auto tensors = io::SafetensorsFile(fixture("formats/single_file/sdxl_tiny.safetensors")).tensors();
  tensors["first_stage_model.encoder.conv_out.weight"] = z({32, 64, 3, 3});
  io::write_safetensors(dir / "flux_vae_inside.safetensors", tensors);
  expect_error([&] { load_tiny(dir / "flux_vae_inside.safetensors", {}); },
               {"flux_vae_inside.safetensors", "16 latent channels", "4"});
  // a separate 16-channel VAE file
  io::write_safetensors(dir / "ae.safetensors", {{"encoder.conv_out.weight", z({32, 64, 3, 3})},
                                                 {"encoder.down_blocks.0.resnets.0.conv1.weight", z({32, 32, 3, 3})}});
  expect_error([&] { checkpoints::load_vae_file(dir / "ae.safetensors", {}, torch::kCPU, torch::kFloat32); },
               {"ae.safetensors", "16 latent channels", "SD3/Flux"});
}

TEST(NotSdxl, FoldersOfVideoSd15RefinerUNetsAnd16ChannelVaesAreNamed) {
  test::TempDir dir;
  const auto te2 = test::fixture_json("text_encoders/text_encoder_2/config.json");
  struct Case {
    std::string folder, component;
    std::function<void(nlohmann::json&)> edit;
    std::vector<std::string> fragments;
  };
  const std::vector<Case> cases = {
      {"unet/unet",
       "unet",
       [](nlohmann::json& c) { c["_class_name"] = "UNet3DConditionModel"; },
       {"UNet3DConditionModel", "video UNet", "config.json"}},
      {"unet/unet", "unet", [](nlohmann::json& c) { c["addition_embed_type"] = nullptr; }, {"SD1.x", "config.json"}},
      {"unet/unet",
       "unet",
       [&](nlohmann::json& c) {
         c["projection_class_embeddings_input_dim"] =
             5 * c["addition_time_embed_dim"].get<int>() + te2["projection_dim"].get<int>();
       },
       {"refiner", "config.json"}},
      {"vae/vae",
       "vae",
       [](nlohmann::json& c) { c["latent_channels"] = 16; },
       {"16 latent channels", "SD3/Flux", "config.json"}},
      {"unet/controlnet",
       "controlnet",
       [](nlohmann::json& c) { c["addition_embed_type"] = nullptr; },
       {"SD1.x/SD2.x ControlNet", "config.json"}},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    SCOPED_TRACE(c.fragments.front());
    auto p = test::engine_fixture_paths();
    const auto folder = edited_folder(dir / std::to_string(i), c.folder, c.edit);
    if (c.component == "unet") p.sdxl_components.unet = folder;
    if (c.component == "vae") p.sdxl_components.vae = folder;
    if (c.component == "controlnet") p.controlnet = folder;
    std::vector<std::string> fragments = c.fragments;
    fragments.push_back(folder.string());
    expect_error([&] { load_set(p); },
                 std::initializer_list<std::string>{fragments[0], fragments[1], fragments.back()});
  }
}

TEST(NotSdxl, Sd15ControlNetFileWithoutConfigIsNamed) {
  test::TempDir dir;
  FolderModels f;
  auto tensors = io::SafetensorsFile(fixture("unet/controlnet/diffusion_pytorch_model.safetensors")).tensors();
  for (auto it = tensors.begin(); it != tensors.end();)
    it = it->first.rfind("add_embedding.", 0) == 0 ? tensors.erase(it) : std::next(it);
  io::write_safetensors(dir / "control_v11p_sd15_openpose.safetensors", tensors);
  expect_error(
      [&] {
        checkpoints::load_controlnet_any(dir / "control_v11p_sd15_openpose.safetensors", f.unet->config(), torch::kCPU,
                                         torch::kFloat32);
      },
      {"control_v11p_sd15_openpose.safetensors", "SD1.x/SD2.x ControlNet"});
}

TEST(NotSdxl, GitLfsPointersWhereConfigsOrWeightsShouldBeAreNamed) {
  test::TempDir dir;
  const std::string pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:4a2b7c0e1f\nsize 5135149760\n";
  const auto unet = dir / "unet";
  std::filesystem::copy(fixture("unet/unet"), unet, std::filesystem::copy_options::recursive);
  test::write_bytes(unet / "diffusion_pytorch_model.safetensors", pointer);
  expect_error([&] { diffusion::load_unet(unet, torch::kCPU, torch::kFloat32); },
               {"diffusion_pytorch_model.safetensors", "Git LFS pointer, not the file", "git lfs pull"});
  test::write_bytes(unet / "config.json", pointer);
  expect_error([&] { diffusion::load_unet(unet, torch::kCPU, torch::kFloat32); },
               {"config.json", "Git LFS pointer, not the file", "git lfs pull", "JSON config"});
  test::write_bytes(dir / "model.ckpt", pointer);
  expect_error([&] { load_tiny(dir / "model.ckpt", {}); }, {"model.ckpt", "Git LFS pointer", "git lfs pull"});
  std::filesystem::copy(fixture("tokenizer/tokenizer"), dir / "tokenizer", std::filesystem::copy_options::recursive);
  test::write_bytes(dir / "tokenizer" / "vocab.json", pointer);
  expect_error([&] { text::ClipTokenizer tokenizer(dir / "tokenizer"); }, {"vocab.json", "git lfs pull"});
  test::write_bytes(dir / "lora.safetensors", pointer);
  expect_error([&] { checkpoints::LoraFile::load(dir / "lora.safetensors"); }, {"lora.safetensors", "git lfs pull"});
}
