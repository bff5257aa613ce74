// Up-front checks of a Request's text: UTF-8 validity (ICU's U8_NEXT) and prompt weight limits.
#include "core/pipeline/request_text_checks.h"

#include <cstdint>

#include <fmt/format.h>
#include <unicode/utf8.h>

#include "core/pipeline/request.h"
#include "core/text/prompt_weight_check.h"

namespace poseforge::pipeline {

std::optional<std::size_t> invalid_utf8_offset(std::string_view text) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int64_t>(text.size());
  std::int64_t i = 0;
  while (i < length) {
    const std::int64_t start = i;
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (c < 0) return static_cast<std::size_t>(start);
  }
  return std::nullopt;
}

std::vector<std::string> request_text_problems(const Request& request) {
  std::vector<std::string> out;
  bool utf8_ok = true;
  for (const auto& [field, text] : {std::pair<const char*, const std::string&>{"prompt", request.prompt},
                                    {"negative_prompt", request.negative_prompt},
                                    {"scheduler", request.scheduler}}) {
    if (const auto at = invalid_utf8_offset(text)) {
      utf8_ok = false;
      out.push_back(
          fmt::format("{} is not valid UTF-8 (byte 0x{:02x} at offset {}): give the text as UTF-8 "
                      "(convert a file with iconv -t UTF-8)",
                      field, static_cast<unsigned>(static_cast<unsigned char>(text[*at])), *at));
    }
  }
  if (!utf8_ok) return out;  // weight messages would quote the broken bytes
  for (auto& p : text::prompt_weight_problems("prompt", request.prompt)) out.push_back(std::move(p));
  for (auto& p : text::prompt_weight_problems("negative_prompt", request.negative_prompt)) out.push_back(std::move(p));
  return out;
}

}  // namespace poseforge::pipeline
