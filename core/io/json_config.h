// JsonConfig: typed reading of config.json-style files, with defaults and errors naming file + key.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/io/json_number.h"

namespace poseforge::io {

class JsonConfig {
 public:
  // Parses `path`. Throws Error naming the file when it is missing, a directory or not a JSON object.
  static JsonConfig load(const std::filesystem::path& path);
  JsonConfig(nlohmann::json json, std::string source);

  bool has(const std::string& key) const;  // present and not null
  // Required key: Error "config '<file>': missing key 'x'" or "... key 'x' must be <type>, got <json>".
  // A number T cannot hold exactly (1e300 or 2.5 read as int, -1 as unsigned) is an Error too, never a cast.
  template <typename T>
  T get(const std::string& key) const {
    if (!has(key)) missing(key);
    return convert<T>(key, json_.at(key));
  }
  // Optional key: `fallback` when absent or null (the reference libraries' defaults go here).
  template <typename T>
  T get_or(const std::string& key, const T& fallback) const {
    return has(key) ? convert<T>(key, json_.at(key)) : fallback;
  }
  template <typename T>
  std::optional<T> get_optional(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    return convert<T>(key, json_.at(key));
  }
  // A nested object as its own config ("size" of a preprocessor config, say).
  JsonConfig child(const std::string& key) const;

  const nlohmann::json& json() const { return json_; }
  const std::string& source() const { return source_; }

  // Throws Error "config '<source>': key '<key>' <problem>".
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

 private:
  [[noreturn]] void missing(const std::string& key) const;
  template <typename T>
  T convert(const std::string& key, const nlohmann::json& value) const {
    if (!json_fits<T>(value)) fail(key, "must be " + json_range<T>() + ", got " + value.dump());
    try {
      return value.get<T>();
    } catch (const nlohmann::json::exception&) {
      fail(key, "has the wrong type: got " + value.dump());
    }
  }

  nlohmann::json json_;
  std::string source_;
};

}  // namespace poseforge::io
