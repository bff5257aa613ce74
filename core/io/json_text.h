// JSON text for metadata and summaries: strings that are not valid UTF-8 (a Linux file name may be any
// bytes) are repaired with U+FFFD instead of nlohmann::json throwing type_error 316 mid-save.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace poseforge::io {

// json.dump(indent) with invalid UTF-8 replaced by U+FFFD. Never throws for string contents.
inline std::string json_text(const nlohmann::json& json, int indent = -1) {
  return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace poseforge::io
