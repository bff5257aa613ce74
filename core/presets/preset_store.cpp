// PresetStore: JSON files in a folder, atomic writes, tolerant listing.
#include "core/presets/preset_store.h"

#include <algorithm>
#include <cctype>
#include <fstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/io/atomic_write.h"
#include "core/io/json_text.h"

namespace poseforge::presets {
namespace fs = std::filesystem;
namespace {

constexpr const char* kLastSession = "last-session.request.json";

nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw Error("cannot open '{}'", file.string());
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error("'{}' is not valid JSON: {}", file.string(), e.what());
  }
}

void write_json(const fs::path& file, const nlohmann::json& json) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  io::write_file_atomic(file, io::json_text(json, 2) + "\n");
}

}  // namespace

std::string preset_file_name(const std::string& name) {
  std::string slug;
  for (unsigned char c : name) {
    if (std::isalnum(c)) {
      slug.push_back(static_cast<char>(std::tolower(c)));
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.size() > 48) slug.resize(48);
  std::uint32_t h = 2166136261u;  // FNV-1a of the exact name
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  return fmt::format("{}{}{:08x}.preset.json", slug, slug.empty() ? "" : "-", h);
}

PresetStore::PresetStore(fs::path folder, std::vector<Preset> builtins)
    : folder_(std::move(folder)), builtins_(std::move(builtins)) {}

fs::path PresetStore::file_for(const std::string& name) const { return folder_ / preset_file_name(name); }

std::vector<Preset> PresetStore::user_presets() const {
  problems_.clear();
  std::vector<Preset> out;
  std::error_code ec;
  if (!fs::is_directory(folder_, ec)) return out;
  for (const auto& entry : fs::directory_iterator(folder_, ec)) {
    const auto& path = entry.path();
    const std::string file = path.filename().string();
    if (file.size() < 12 || file.compare(file.size() - 12, 12, ".preset.json") != 0) continue;
    try {
      out.push_back(Preset::from_json(read_json(path), path.string()));
    } catch (const Error& e) {
      problems_.push_back(e.what());
      spdlog::warn("skipping preset: {}", e.what());
    }
  }
  std::sort(out.begin(), out.end(), [](const Preset& a, const Preset& b) { return a.name < b.name; });
  return out;
}

std::vector<Preset> PresetStore::list() const {
  auto out = builtins_;
  for (auto& p : user_presets()) out.push_back(std::move(p));
  return out;
}

std::optional<Preset> PresetStore::find(const std::string& name) const {
  for (auto& p : list()) {
    if (p.name == name) return p;
  }
  return std::nullopt;
}

void PresetStore::check_user_name(const std::string& name) const {
  if (name.empty()) throw Error("a preset needs a name");
  for (const auto& b : builtins_) {
    if (b.name == name) throw Error("'{}' is a built-in preset and cannot be changed; save under another name", name);
  }
}

void PresetStore::save(const Preset& preset) {
  check_user_name(preset.name);
  Preset copy = preset;
  copy.builtin = false;
  write_json(file_for(copy.name), copy.to_json());
}

void PresetStore::rename(const std::string& from, const std::string& to) {
  check_user_name(from);
  check_user_name(to);
  if (from == to) return;
  auto preset = find(from);
  if (!preset) throw Error("there is no preset named '{}'", from);
  if (find(to)) throw Error("a preset named '{}' already exists", to);
  preset->name = to;
  save(*preset);  // write the new file before removing the old: nothing is lost on failure
  fs::remove(file_for(from));
}

void PresetStore::remove(const std::string& name) {
  check_user_name(name);
  std::error_code ec;
  if (!fs::remove(file_for(name), ec)) throw Error("there is no preset named '{}'", name);
}

Preset PresetStore::import_file(const fs::path& file) {
  Preset p = Preset::from_json(read_json(file), file.string());
  const std::string base = p.name;
  for (int n = 2; find(p.name); ++n) p.name = fmt::format("{} ({})", base, n);
  save(p);
  return p;
}

void PresetStore::export_file(const std::string& name, const fs::path& file) const {
  auto preset = find(name);
  if (!preset) throw Error("there is no preset named '{}'", name);
  io::write_file_atomic(file, io::json_text(preset->to_json(), 2) + "\n");
}

void PresetStore::save_last_session(const pipeline::Request& request) {
  write_json(folder_ / kLastSession, request.to_json());
}

std::optional<pipeline::Request> PresetStore::load_last_session() const {
  const auto file = folder_ / kLastSession;
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  try {
    return pipeline::Request::from_json(read_json(file));
  } catch (const Error& e) {
    spdlog::warn("last session settings not restored: {}", e.what());
    return std::nullopt;
  }
}

}  // namespace poseforge::presets
