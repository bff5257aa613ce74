// Listing and resolving checkpoint / LoRA / VAE files; A1111 LoRA prompt tags.
#include "core/pipeline/model_files.h"

#include <algorithm>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "core/error.h"

namespace poseforge::pipeline {
namespace fs = std::filesystem;

std::vector<fs::path> list_model_files(const fs::path& folder) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (folder.empty() || !fs::is_directory(folder, ec)) return out;
  static const std::set<std::string> kExtensions = {".safetensors", ".ckpt", ".pt", ".pth", ".bin"};
  for (fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && kExtensions.count(it->path().extension().string())) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

fs::path resolve_model_file(const std::string& name, const fs::path& folder, const std::string& what) {
  std::error_code ec;
  if (fs::is_regular_file(name, ec)) return name;
  std::vector<fs::path> tried;
  if (!folder.empty()) {
    for (const std::string& candidate : {name, name + ".safetensors", name + ".ckpt"}) {
      tried.push_back(folder / candidate);
      if (fs::is_regular_file(tried.back(), ec)) return tried.back();
    }
  }
  std::string there;
  for (const auto& f : list_model_files(folder))
    there += (there.empty() ? "" : ", ") + fs::relative(f, folder, ec).string();
  throw Error(
      "{} '{}' not found{}{}", what, name,
      folder.empty() ? " (no models folder for names: give a path)" : fmt::format(" (looked in '{}')", folder.string()),
      folder.empty()  ? ""
      : there.empty() ? "; that folder is empty"
                      : "; there: " + there);
}

ModelPaths with_request_models(ModelPaths paths, const Request& request) {
  if (!request.checkpoint.empty()) {
    paths.checkpoint = resolve_model_file(request.checkpoint, paths.checkpoints_dir, "checkpoint");
  }
  if (!request.vae.empty()) {
    paths.vae_file =
        resolve_model_file(request.vae, paths.vae_dir.empty() ? paths.checkpoints_dir : paths.vae_dir, "VAE");
  }
  return paths;
}

PromptLoras extract_lora_tags(const std::string& prompt) {
  static const std::regex kTag(R"(<lora:([^:>]+)(?::([^:>]*))?(?::[^>]*)?>)");
  PromptLoras out;
  std::size_t last = 0;
  for (std::sregex_iterator it(prompt.begin(), prompt.end(), kTag), end; it != end; ++it) {
    const auto& m = *it;
    out.prompt += prompt.substr(last, static_cast<std::size_t>(m.position()) - last);
    last = static_cast<std::size_t>(m.position() + m.length());
    LoraRequest lora{m[1].str(), 1.0};
    if (m[2].matched && !m[2].str().empty()) {
      try {
        std::size_t used = 0;
        lora.weight = std::stod(m[2].str(), &used);
        if (used != m[2].str().size()) throw std::invalid_argument("trailing");
      } catch (const std::exception&) {
        throw Error("prompt tag '{}': the weight '{}' is not a number", m.str(), m[2].str());
      }
    }
    out.loras.push_back(lora);
  }
  out.prompt += prompt.substr(last);
  return out;
}

std::vector<checkpoints::LoraChoice> resolve_loras(const Request& request, const ModelPaths& paths) {
  std::vector<LoraRequest> all = request.loras;
  for (const auto& tag : extract_lora_tags(request.prompt).loras) all.push_back(tag);
  std::vector<checkpoints::LoraChoice> out;
  for (const auto& l : all) out.push_back({resolve_model_file(l.path, paths.loras_dir, "LoRA"), l.weight});
  return out;
}

}  // namespace poseforge::pipeline
