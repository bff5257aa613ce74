// Up-front checks of a Request's text: prompts and the scheduler must be valid UTF-8 (they go into PNG
// metadata and JSON), prompt weights within limits (core/text/prompt_weight_check.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace poseforge::pipeline {

struct Request;

// Byte offset of the first byte that does not start a well-formed UTF-8 sequence (overlong forms,
// surrogates and code points past U+10FFFF are ill-formed too); nullopt when `text` is valid UTF-8.
std::optional<std::size_t> invalid_utf8_offset(std::string_view text);

// One message per problem: "prompt is not valid UTF-8 (byte 0xff at offset 3): ...", then the
// weight problems of prompt and negative_prompt. Paths are not checked here (a Linux file name may be
// any bytes; metadata writing repairs them, see io::json_text).
std::vector<std::string> request_text_problems(const Request& request);

}  // namespace poseforge::pipeline
