// Demo models (engine part): SDXL-shaped configs at small widths, random weights from a seed,
// written in the diffusers / transformers / h94 layouts with the project's safetensors writer.
#include "core/pipeline/demo_models.h"

#include <fmt/format.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "core/diffusion/autoencoder_kl.h"
#include "core/diffusion/controlnet.h"
#include "core/diffusion/layers.h"
#include "core/diffusion/unet_2d_condition.h"
#include "core/error.h"
#include "core/io/atomic_write.h"
#include "core/io/json_config.h"
#include "core/io/safetensors.h"
#include "core/text/clip_text_model.h"
#include "core/vision/clip_vision_model.h"

namespace poseforge::pipeline {
namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

// Widths: two text encoders of kTextWidth each (SDXL: 768 + 1280) feed a cross-attention of 2 x that.
constexpr int kTextWidth = 32;
constexpr int kTimeEmbedDim = 8;    // SDXL: 256
constexpr int kImageEmbedDim = 32;  // CLIP ViT-H projection (SDXL: 1024)
constexpr int kIpTokens = 4;        // basic IP-Adapter tokens per image, as h94's

struct Writer {
  fs::path root;
  std::vector<fs::path> files;

  fs::path json(const fs::path& path, const ordered_json& content) {
    fs::create_directories(path.parent_path());
    io::write_file_atomic(path, content.dump(2) + "\n");
    files.push_back(path);
    return path;
  }
  void weights(torch::nn::Module& module, const fs::path& path, torch::ScalarType dtype = torch::kFloat32) {
    save_module_weights(module, path, dtype);
    files.push_back(path);
  }
};

ordered_json unet_trunk_config(const char* class_name) {
  return {{"_class_name", class_name},
          {"_diffusers_version", "0.30.0"},
          {"act_fn", "silu"},
          {"addition_embed_type", "text_time"},
          {"addition_embed_type_num_heads", 64},
          {"addition_time_embed_dim", kTimeEmbedDim},
          {"attention_head_dim", {2, 4, 4}},
          {"block_out_channels", {32, 64, 64}},
          {"cross_attention_dim", 2 * kTextWidth},
          {"down_block_types", {"DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"}},
          {"downsample_padding", 1},
          {"flip_sin_to_cos", true},
          {"freq_shift", 0},
          {"in_channels", 4},
          {"layers_per_block", 2},
          {"mid_block_scale_factor", 1},
          {"norm_eps", 1e-5},
          {"norm_num_groups", 32},
          {"projection_class_embeddings_input_dim", kTextWidth + 6 * kTimeEmbedDim},
          {"resnet_time_scale_shift", "default"},
          {"transformer_layers_per_block", {1, 1, 2}},
          {"upcast_attention", false},
          {"use_linear_projection", true}};
}

ordered_json unet_config() {
  ordered_json c = unet_trunk_config("UNet2DConditionModel");
  c["center_input_sample"] = false;
  c["mid_block_type"] = "UNetMidBlock2DCrossAttn";
  c["out_channels"] = 4;
  c["sample_size"] = 128;
  c["up_block_types"] = {"CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"};
  return c;
}

ordered_json controlnet_config() {
  ordered_json c = unet_trunk_config("ControlNetModel");
  c["conditioning_channels"] = 3;
  c["conditioning_embedding_out_channels"] = {16, 32, 96, 256};
  c["controlnet_conditioning_channel_order"] = "rgb";
  c["global_pool_conditions"] = false;
  return c;
}

ordered_json vae_config() {
  return {{"_class_name", "AutoencoderKL"},
          {"_diffusers_version", "0.30.0"},
          {"act_fn", "silu"},
          {"block_out_channels", {32, 32, 64, 64}},
          {"down_block_types", std::vector<std::string>(4, "DownEncoderBlock2D")},
          {"force_upcast", true},
          {"in_channels", 3},
          {"latent_channels", 4},
          {"layers_per_block", 1},
          {"norm_num_groups", 32},
          {"out_channels", 3},
          {"sample_size", 1024},
          {"scaling_factor", 0.13025},
          {"up_block_types", std::vector<std::string>(4, "UpDecoderBlock2D")}};
}

ordered_json text_config(const char* architecture, const char* act, std::int64_t vocab_size, std::int64_t bos,
                         std::int64_t eos) {
  return {{"architectures", {architecture}},
          {"attention_dropout", 0.0},
          {"bos_token_id", bos},
          {"eos_token_id", eos},
          {"hidden_act", act},
          {"hidden_size", kTextWidth},
          {"initializer_factor", 1.0},
          {"initializer_range", 0.02},
          {"intermediate_size", 2 * kTextWidth},
          {"layer_norm_eps", 1e-5},
          {"max_position_embeddings", 77},
          {"model_type", "clip_text_model"},
          {"num_attention_heads", 4},
          {"num_hidden_layers", 2},
          {"pad_token_id", 1},
          {"projection_dim", kTextWidth},
          {"vocab_size", vocab_size}};
}

ordered_json image_encoder_config() {
  return {{"architectures", {"CLIPVisionModelWithProjection"}},
          {"attention_dropout", 0.0},
          {"hidden_act", "gelu"},
          {"hidden_size", 32},
          {"image_size", 32},
          {"initializer_factor", 1.0},
          {"initializer_range", 0.02},
          {"intermediate_size", 64},
          {"layer_norm_eps", 1e-5},
          {"model_type", "clip_vision_model"},
          {"num_attention_heads", 4},
          {"num_channels", 3},
          {"num_hidden_layers", 2},
          {"patch_size", 8},
          {"projection_dim", kImageEmbedDim}};
}

ordered_json image_preprocessor_config() {
  return {{"crop_size", {{"height", 32}, {"width", 32}}},
          {"do_center_crop", true},
          {"do_convert_rgb", true},
          {"do_normalize", true},
          {"do_rescale", true},
          {"do_resize", true},
          {"image_mean", {0.48145466, 0.4578275, 0.40821073}},
          {"image_processor_type", "CLIPImageProcessor"},
          {"image_std", {0.26862954, 0.26130258, 0.27577711}},
          {"resample", 3},
          {"rescale_factor", 1.0 / 255.0},
          {"size", {{"shortest_edge", 32}}}};
}

// SDXL base's scheduler_config.json.
ordered_json scheduler_config() {
  return {{"_class_name", "EulerDiscreteScheduler"},
          {"_diffusers_version", "0.19.0.dev0"},
          {"beta_end", 0.012},
          {"beta_schedule", "scaled_linear"},
          {"beta_start", 0.00085},
          {"clip_sample", false},
          {"interpolation_type", "linear"},
          {"num_train_timesteps", 1000},
          {"prediction_type", "epsilon"},
          {"sample_max_value", 1.0},
          {"set_alpha_to_one", false},
          {"skip_prk_steps", true},
          {"steps_offset", 1},
          {"timestep_spacing", "leading"},
          {"trained_betas", nullptr},
          {"use_karras_sigmas", false}};
}

ordered_json model_index() {
  return {{"_class_name", "StableDiffusionXLPipeline"},
          {"_diffusers_version", "0.19.0.dev0"},
          {"force_zeros_for_empty_prompt", true},
          {"scheduler", {"diffusers", "EulerDiscreteScheduler"}},
          {"text_encoder", {"transformers", "CLIPTextModel"}},
          {"text_encoder_2", {"transformers", "CLIPTextModelWithProjection"}},
          {"tokenizer", {"transformers", "CLIPTokenizer"}},
          {"tokenizer_2", {"transformers", "CLIPTokenizer"}},
          {"unet", {"diffusers", "UNet2DConditionModel"}},
          {"vae", {"diffusers", "AutoencoderKL"}}};
}

// h94's basic SDXL adapter layout: image_proj.{proj,norm}.*, then ip_adapter.N.to_{k,v}_ip.weight
// for N = 1, 3, 5, ... over the UNet's cross-attention layers (each shaped like that layer's to_k).
io::TensorMap ip_adapter_tensors(diffusion::UNet2DConditionModel& unet, int cross_attention_dim) {
  const auto params = unet->named_parameters(/*recurse=*/true);
  torch::nn::Linear proj(torch::nn::LinearOptions(kImageEmbedDim, kIpTokens * cross_attention_dim));
  torch::nn::LayerNorm norm(torch::nn::LayerNormOptions({cross_attention_dim}));
  io::TensorMap out = {{"image_proj.proj.weight", proj->weight},
                       {"image_proj.proj.bias", proj->bias},
                       {"image_proj.norm.weight", norm->weight},
                       {"image_proj.norm.bias", norm->bias}};
  int n = 1;
  for (const auto& [name, layer] : unet->cross_attention_layers()) {
    const torch::Tensor* to_k = params.find(name + ".to_k.weight");
    if (!to_k) throw Error("demo IP-Adapter: the UNet has no parameter '{}.to_k.weight'", name);
    for (const char* which : {"to_k_ip", "to_v_ip"}) {
      torch::nn::Linear l(torch::nn::LinearOptions(to_k->size(1), to_k->size(0)).bias(false));
      out[fmt::format("ip_adapter.{}.{}.weight", n, which)] = l->weight;
    }
    n += 2;
  }
  for (auto& [key, t] : out) t = t.detach().contiguous();
  return out;
}

}  // namespace

void save_module_weights(torch::nn::Module& module, const fs::path& path, torch::ScalarType dtype) {
  io::TensorMap tensors;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) {
    tensors[item.key()] = item.value().detach().to(dtype).contiguous();
  }
  for (const auto& item : module.named_buffers(/*recurse=*/true)) {
    tensors[item.key()] = item.value().detach().contiguous();
  }
  fs::create_directories(path.parent_path());
  io::write_safetensors(path, tensors, {{"format", "pt"}, {"poseforge", "demo model: random weights"}});
}

std::vector<fs::path> write_demo_diffusion_models(const fs::path& root, std::uint64_t seed) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(seed);
  Writer w{root, {}};
  const fs::path sdxl = root / "sdxl";
  try {
    w.json(sdxl / "model_index.json", model_index());
    w.json(sdxl / "scheduler" / "scheduler_config.json", scheduler_config());

    const std::int64_t vocab = write_demo_tokenizer(sdxl / "tokenizer", "<|endoftext|>");
    write_demo_tokenizer(sdxl / "tokenizer_2", "!");
    w.files.push_back(sdxl / "tokenizer" / "vocab.json");
    w.files.push_back(sdxl / "tokenizer_2" / "vocab.json");
    const std::int64_t bos = vocab - 2, eos = vocab - 1;
    const auto te =
        w.json(sdxl / "text_encoder" / "config.json", text_config("CLIPTextModel", "quick_gelu", vocab, bos, eos));
    text::ClipTextModel te_model(text::ClipTextConfig::from_json(io::JsonConfig::load(te)));
    diffusion::init_random(*te_model);  // its linear layers start uninitialised
    w.weights(*te_model, sdxl / "text_encoder" / "model.safetensors");
    const auto te2 = w.json(sdxl / "text_encoder_2" / "config.json",
                            text_config("CLIPTextModelWithProjection", "gelu", vocab, bos, eos));
    text::ClipTextModel te2_model(text::ClipTextConfig::from_json(io::JsonConfig::load(te2)));
    diffusion::init_random(*te2_model);
    w.weights(*te2_model, sdxl / "text_encoder_2" / "model.safetensors");

    const auto unet_json = w.json(sdxl / "unet" / "config.json", unet_config());
    diffusion::UNet2DConditionModel unet(diffusion::UNetConfig::from_json(io::JsonConfig::load(unet_json)));
    diffusion::init_random(*unet);  // the diffusion layers start uninitialised
    w.weights(*unet, sdxl / "unet" / "diffusion_pytorch_model.safetensors");

    const auto vae_json = w.json(sdxl / "vae" / "config.json", vae_config());
    diffusion::AutoencoderKL vae(diffusion::AutoencoderKLConfig::from_json(io::JsonConfig::load(vae_json)));
    diffusion::init_random(*vae);
    w.weights(*vae, sdxl / "vae" / "diffusion_pytorch_model.safetensors");

    const fs::path cn_dir = root / "controlnet-openpose";
    const auto cn_json = w.json(cn_dir / "config.json", controlnet_config());
    diffusion::ControlNetModel cn(diffusion::ControlNetConfig::from_json(io::JsonConfig::load(cn_json)));
    diffusion::init_random(*cn);
    w.weights(*cn, cn_dir / "diffusion_pytorch_model.safetensors");

    const fs::path encoder_dir = root / "ip-adapter" / "models" / "image_encoder";
    const auto enc_json = w.json(encoder_dir / "config.json", image_encoder_config());
    w.json(encoder_dir / "preprocessor_config.json", image_preprocessor_config());
    vision::ClipVisionModelWithProjection encoder(vision::ClipVisionConfig::load(enc_json));
    diffusion::init_random(*encoder);  // its linear layers start uninitialised
    w.weights(*encoder, encoder_dir / "model.safetensors");

    const fs::path adapter = root / "ip-adapter" / "sdxl_models" / "ip-adapter_sdxl_vit-h.safetensors";
    fs::create_directories(adapter.parent_path());
    io::write_safetensors(adapter, ip_adapter_tensors(unet, 2 * kTextWidth),
                          {{"poseforge", "demo model: random weights"}});
    w.files.push_back(adapter);

    io::write_file_atomic(
        root / kDemoModelsMarker,
        fmt::format("PoseForge demo models (random weights, seed {}): pictures made with them are noise.\n"
                    "Download the real models as models/README.md says.\n",
                    seed));
    w.files.push_back(root / kDemoModelsMarker);
  } catch (const fs::filesystem_error& e) {
    throw Error("writing demo models under '{}': {}", root.string(), e.what());
  } catch (...) {
    rethrow_with_context(fmt::format("writing demo models under '{}'", root.string()));
  }
  return w.files;
}

}  // namespace poseforge::pipeline
