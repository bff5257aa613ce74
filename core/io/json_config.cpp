// JsonConfig implementation.
#include "core/io/json_config.h"

#include <cmath>
#include <cstdint>
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

namespace {

// get<T>() casts a float to an integer type unchecked: undefined behaviour past the type's range (a config
// saying "hidden_size": 1e300). Every number that large is made safe here, once, for all readers: a whole
// float within int64 becomes that integer (then only integer-to-integer conversions remain). Smaller floats
// convert to every integer type get<T>() is asked for.
void make_numbers_safe(nlohmann::json& value, const std::string& source, const std::string& key) {
  if (value.is_object()) {
    for (auto& [k, v] : value.items()) make_numbers_safe(v, source, key.empty() ? k : key + "." + k);
  } else if (value.is_array()) {
    for (auto& v : value) make_numbers_safe(v, source, key);
  } else if (value.is_number_float()) {
    const double d = value.get<double>();
    constexpr double kInt32 = 2147483648.0, kInt64 = 9223372036854775808.0;  // 2^31, 2^63
    if (std::abs(d) < kInt32) return;
    // A fraction or a value past int64 stays a float: configs hold such values legitimately (diffusers writes
    // "lambda_min_clipped": -inf, read here as -1e308). JsonConfig::get<T> refuses one read as an integer.
    if (d != std::floor(d) || d >= kInt64 || d < -kInt64) return;
    value = static_cast<std::int64_t>(d);
  }
}

}  // namespace

JsonConfig::JsonConfig(nlohmann::json json, std::string source) : json_(std::move(json)), source_(std::move(source)) {
  make_numbers_safe(json_, source_, "");
}

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

void JsonConfig::missing(const std::string& key) const {
  throw Error("config '{}': missing key '{}'", source_, key);
}

}  // namespace poseforge::io
