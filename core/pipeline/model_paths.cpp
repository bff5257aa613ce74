// ModelPaths: conventional layout discovery and up-front validation.
#include "core/pipeline/model_paths.h"

#include <cstdlib>

#include <fmt/format.h>

#include "core/error.h"
#include "core/paths.h"
#include "core/pipeline/taesd_preview.h"
#include "core/pipeline/model_files.h"

namespace poseforge::pipeline {
namespace fs = std::filesystem;
namespace {

const std::vector<std::string> kDiffusersStems = {"diffusion_pytorch_model"};
const std::vector<std::string> kTransformersStems = {"model", "pytorch_model"};

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return !p.empty() && fs::is_directory(p, ec);
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return !p.empty() && fs::is_regular_file(p, ec);
}

fs::path first_dir(const std::vector<fs::path>& candidates) {
  for (const auto& c : candidates) {
    if (is_dir(c)) return c;
  }
  return {};
}

fs::path first_file(const std::vector<fs::path>& candidates) {
  for (const auto& c : candidates) {
    if (is_file(c)) return c;
  }
  return {};
}

// Checks a diffusers/transformers component folder: config file + weights.
void check_component(const fs::path& folder, const std::string& what, const std::string& config,
                     const std::vector<std::string>& stems, std::vector<std::string>& out) {
  if (!is_dir(folder)) {
    out.push_back(fmt::format("{}: folder '{}' is missing", what, folder.string()));
    return;
  }
  if (!is_file(folder / config)) out.push_back(fmt::format("{}: '{}' is missing", what, (folder / config).string()));
  if (find_weights(folder, stems).empty()) {
    out.push_back(fmt::format("{}: no weights in '{}' (expected {}.safetensors, {}.fp16.safetensors or {}.bin)", what,
                              folder.string(), stems.front(), stems.front(), stems.front()));
  }
}

// The first checkpoint file in `folder` (sorted), empty when none.
fs::path first_checkpoint(const fs::path& folder) {
  const auto files = list_model_files(folder);
  return files.empty() ? fs::path{} : files.front();
}

// A single-file checkpoint needs the file, and tokenizers from its config folder or the SDXL folder.
void single_file_problems(const ModelPaths& m, const SdxlComponents& parts, std::vector<std::string>& out) {
  if (!is_file(m.checkpoint)) {
    out.push_back(fmt::format("SDXL checkpoint: file '{}' does not exist", m.checkpoint.string()));
  }
  for (const auto& [tok, folder] : {std::pair<const char*, fs::path>{"tokenizer", parts.tokenizer}, {"tokenizer_2", parts.tokenizer_2}}) {
    for (const char* file : {"vocab.json", "merges.txt"}) {
      if (!is_file(folder / file)) {
        out.push_back(fmt::format("SDXL {}: '{}' is missing (a single-file checkpoint carries no tokenizer: put SDXL's "
                                  "tokenizer/ and tokenizer_2/ folders from stabilityai/stable-diffusion-xl-base-1.0 "
                                  "in <models>/sdxl/ or in '{}')",
                                  tok, (folder / file).string(), (m.checkpoint.parent_path() / m.checkpoint.stem()).string()));
      }
    }
  }
  if (!m.vae_file.empty() && !is_file(m.vae_file)) {
    out.push_back(fmt::format("VAE: file '{}' does not exist", m.vae_file.string()));
  }
}

}  // namespace

bool is_demo_model_set(const ModelPaths& paths) {
  std::error_code ec;
  for (const fs::path& p : {paths.sdxl, paths.controlnet, paths.openpose}) {
    if (!p.empty() && fs::exists(p.parent_path() / kDemoModelsMarker, ec)) return true;
  }
  return false;
}

fs::path default_models_root() {
  if (const char* env = std::getenv("POSEFORGE_MODELS"); env && *env) return env;
  return user_data_dir() / "models";
}

fs::path find_weights(const fs::path& folder, const std::vector<std::string>& stems) {
  for (const auto& stem : stems) {
    for (const char* suffix : {".safetensors", ".fp16.safetensors", ".safetensors.index.json", ".bin", ".fp16.bin"}) {
      const auto p = folder / (stem + suffix);
      if (is_file(p)) return p;
    }
  }
  return {};
}

ModelPaths ModelPaths::discover(const fs::path& root) {
  ModelPaths m;
  m.sdxl = first_dir({root / "sdxl", root / "stable-diffusion-xl-base-1.0", root / "stabilityai" / "stable-diffusion-xl-base-1.0"});
  m.controlnet = first_dir({root / "controlnet-openpose", root / "controlnet-openpose-sdxl-1.0",
                            root / "thibaud" / "controlnet-openpose-sdxl-1.0", root / "xinsir" / "controlnet-openpose-sdxl-1.0"});
  const fs::path h94 = first_dir({root / "ip-adapter", root / "IP-Adapter", root / "h94" / "IP-Adapter"});
  if (!h94.empty()) {
    m.ip_adapter = first_file({h94 / "sdxl_models" / "ip-adapter-plus_sdxl_vit-h.safetensors",
                               h94 / "sdxl_models" / "ip-adapter_sdxl_vit-h.safetensors",
                               h94 / "sdxl_models" / "ip-adapter_sdxl.safetensors",
                               h94 / "sdxl_models" / "ip-adapter-plus_sdxl_vit-h.bin",
                               h94 / "sdxl_models" / "ip-adapter_sdxl_vit-h.bin", h94 / "sdxl_models" / "ip-adapter_sdxl.bin"});
    const bool vit_h = m.ip_adapter.empty() || m.ip_adapter.filename().string().find("vit-h") != std::string::npos;
    m.image_encoder = vit_h ? h94 / "models" / "image_encoder" : h94 / "sdxl_models" / "image_encoder";
  }
  for (auto [dir, name] : {std::pair<fs::path*, const char*>{&m.checkpoints_dir, "checkpoints"}, {&m.loras_dir, "loras"},
                           {&m.vae_dir, "vae"}}) {
    if (is_dir(root / name)) *dir = root / name;
  }
  if (m.sdxl.empty()) m.checkpoint = first_checkpoint(m.checkpoints_dir);  // no diffusers folder: the first file
  m.openpose = first_file({root / "openpose" / "body_pose_model.pth", root / "body_pose_model.pth",
                           root / "lllyasviel" / "Annotators" / "body_pose_model.pth", root / "Annotators" / "body_pose_model.pth",
                           root / "openpose" / "body_pose_model.safetensors"});
  m.taesd = find_taesd(root);
  return m;
}

SdxlComponents SdxlComponents::diffusers(const fs::path& root) {
  return {root / "unet",        root / "vae",         root / "text_encoder", root / "text_encoder_2",
          root / "tokenizer",   root / "tokenizer_2", root / "scheduler" / "scheduler_config.json"};
}

void SdxlComponents::apply(const SdxlComponents& o) {
  for (auto [mine, theirs] : {std::pair<fs::path*, const fs::path*>{&unet, &o.unet}, {&vae, &o.vae},
                              {&text_encoder, &o.text_encoder}, {&text_encoder_2, &o.text_encoder_2},
                              {&tokenizer, &o.tokenizer}, {&tokenizer_2, &o.tokenizer_2},
                              {&scheduler_config, &o.scheduler_config}}) {
    if (!theirs->empty()) *mine = *theirs;
  }
}

SdxlComponents ModelPaths::sdxl_parts() const {
  SdxlComponents parts = sdxl.empty() ? SdxlComponents{} : SdxlComponents::diffusers(sdxl);
  if (const fs::path configs = checkpoint_configs(); !checkpoint.empty() && !configs.empty()) {
    const SdxlComponents beside = SdxlComponents::diffusers(configs);  // tokenizers, scheduler where it has them
    if (is_dir(beside.tokenizer)) parts.tokenizer = beside.tokenizer;
    if (is_dir(beside.tokenizer_2)) parts.tokenizer_2 = beside.tokenizer_2;
    if (is_file(beside.scheduler_config)) parts.scheduler_config = beside.scheduler_config;
  }
  parts.apply(sdxl_components);
  return parts;
}

fs::path ModelPaths::checkpoint_configs() const {
  if (!checkpoint_config.empty()) return checkpoint_config;
  if (checkpoint.empty()) return {};
  const fs::path beside = checkpoint.parent_path() / checkpoint.stem();
  return is_dir(beside) ? beside : fs::path{};
}

void ModelPaths::apply(const ModelPaths& o) {
  sdxl_components.apply(o.sdxl_components);
  if (!o.sdxl.empty()) sdxl = o.sdxl;
  if (!o.controlnet.empty()) controlnet = o.controlnet;
  if (!o.ip_adapter.empty()) ip_adapter = o.ip_adapter;
  if (!o.image_encoder.empty()) image_encoder = o.image_encoder;
  if (!o.openpose.empty()) openpose = o.openpose;
  if (!o.taesd.empty()) taesd = o.taesd;
  for (auto [mine, theirs] : {std::pair<fs::path*, const fs::path*>{&checkpoint, &o.checkpoint},
                              {&checkpoint_config, &o.checkpoint_config}, {&vae_file, &o.vae_file},
                              {&checkpoints_dir, &o.checkpoints_dir}, {&loras_dir, &o.loras_dir}, {&vae_dir, &o.vae_dir}}) {
    if (!theirs->empty()) *mine = *theirs;
  }
}

std::vector<std::string> ModelPaths::problems(bool need_ip_adapter, bool need_openpose) const {
  std::vector<std::string> out;
  const std::string get_sdxl = " (download stabilityai/stable-diffusion-xl-base-1.0; see models/README.md)";
  const SdxlComponents parts = sdxl_parts();
  const bool all_parts = !parts.unet.empty() && !parts.vae.empty() && !parts.text_encoder.empty() &&
                         !parts.text_encoder_2.empty() && !parts.tokenizer.empty() && !parts.tokenizer_2.empty() &&
                         !parts.scheduler_config.empty();
  if (!checkpoint.empty()) {
    single_file_problems(*this, parts, out);
  } else if (sdxl.empty() && !all_parts) {
    out.push_back("SDXL: no diffusers folder found" + get_sdxl);
  } else if (!sdxl.empty() && !is_dir(sdxl)) {
    out.push_back(fmt::format("SDXL: folder '{}' does not exist{}", sdxl.string(), get_sdxl));
  } else {
    if (!sdxl.empty() && !is_file(sdxl / "model_index.json")) {
      out.push_back(fmt::format("SDXL: '{}' is missing", (sdxl / "model_index.json").string()));
    }
    check_component(parts.unet, "SDXL UNet", "config.json", kDiffusersStems, out);
    check_component(parts.vae, "SDXL VAE", "config.json", kDiffusersStems, out);
    check_component(parts.text_encoder, "SDXL text encoder", "config.json", kTransformersStems, out);
    check_component(parts.text_encoder_2, "SDXL text encoder 2", "config.json", kTransformersStems, out);
    for (const auto& [tok, folder] : {std::pair<const char*, fs::path>{"tokenizer", parts.tokenizer}, {"tokenizer_2", parts.tokenizer_2}}) {
      for (const char* file : {"vocab.json", "merges.txt"}) {
        if (!is_file(folder / file)) out.push_back(fmt::format("SDXL {}: '{}' is missing", tok, (folder / file).string()));
      }
    }
    if (!is_file(parts.scheduler_config)) {
      out.push_back(fmt::format("SDXL scheduler: '{}' is missing", parts.scheduler_config.string()));
    }
  }
  const std::string get_cn = " (download thibaud/controlnet-openpose-sdxl-1.0 or xinsir/controlnet-openpose-sdxl-1.0)";
  if (controlnet.empty()) {
    out.push_back("ControlNet (OpenPose): no folder found" + get_cn);
  } else if (is_file(controlnet)) {
    // one file without config (OpenPoseXL2.safetensors): its config comes from the UNet's
  } else if (!is_file(controlnet / "config.json") && !find_weights(controlnet, kDiffusersStems).empty()) {
    // a folder with weights and no config.json: the same
  } else {
    check_component(controlnet, "ControlNet (OpenPose)", "config.json", kDiffusersStems, out);
  }
  if (need_ip_adapter) {
    const std::string get_ip = " (download h94/IP-Adapter sdxl_models/ip-adapter_sdxl_vit-h.safetensors and models/image_encoder)";
    if (ip_adapter.empty()) {
      out.push_back("IP-Adapter: no adapter file found" + get_ip);
    } else if (!is_file(ip_adapter)) {
      out.push_back(fmt::format("IP-Adapter: file '{}' does not exist{}", ip_adapter.string(), get_ip));
    }
    if (image_encoder.empty()) {
      out.push_back("IP-Adapter image encoder: no folder found" + get_ip);
    } else {
      check_component(image_encoder, "IP-Adapter image encoder", "config.json", kTransformersStems, out);
    }
  }
  if (need_openpose) {
    const std::string get_pose = " (download lllyasviel/Annotators body_pose_model.pth into <models>/openpose/)";
    if (openpose.empty()) {
      out.push_back("OpenPose: body_pose_model.pth not found" + get_pose);
    } else if (!is_file(openpose)) {
      out.push_back(fmt::format("OpenPose: file '{}' does not exist{}", openpose.string(), get_pose));
    }
  }
  return out;
}

void ModelPaths::validate(bool need_ip_adapter, bool need_openpose) const {
  const auto list = problems(need_ip_adapter, need_openpose);
  if (list.empty()) return;
  std::string msg = "models are missing or incomplete:";
  for (const auto& p : list) msg += "\n  - " + p;
  throw Error(msg);
}

}  // namespace poseforge::pipeline
