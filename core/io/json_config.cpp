// JsonConfig implementation.
#include "core/io/json_config.h"

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/io/lfs_pointer.h"

namespace poseforge::io {

JsonConfig JsonConfig::load(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error("config '{}' is a directory, expected a JSON file", path.string());
  }
  check_not_lfs_pointer(path, "a JSON config file");
  std::ifstream in(path);
  if (!in) throw Error("config '{}' cannot be opened (missing?)", path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(buffer.str());
  } catch (const nlohmann::json::exception& e) {
    throw Error("config '{}' is not valid JSON: {}", path.string(), e.what());
  }
  if (!json.is_object()) throw Error("config '{}' must be a JSON object", path.string());
  return JsonConfig(std::move(json), path.string());
}

JsonConfig::JsonConfig(nlohmann::json json, std::string source) : json_(std::move(json)), source_(std::move(source)) {}

bool JsonConfig::has(const std::string& key) const {
  auto it = json_.find(key);
  return it != json_.end() && !it->is_null();
}

JsonConfig JsonConfig::child(const std::string& key) const {
  if (!has(key)) missing(key);
  const auto& value = json_.at(key);
  if (!value.is_object()) fail(key, "must be an object, got " + value.dump());
  return JsonConfig(value, source_ + ":" + key);
}

void JsonConfig::fail(const std::string& key, const std::string& problem) const {
  throw Error("config '{}': key '{}' {}", source_, key, problem);
}

void JsonConfig::missing(const std::string& key) const { throw Error("config '{}': missing key '{}'", source_, key); }

}  // namespace poseforge::io
