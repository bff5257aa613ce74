// Limits on A1111 prompt weights: non-decimal weights and effective weights beyond +-kMaxPromptWeight.
#include "core/text/prompt_weight_check.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "core/error.h"

namespace poseforge::text {
namespace {

constexpr std::size_t kMaxMessages = 5;
constexpr std::size_t kQuoteLength = 40;

std::string quoted(const std::string& text) {
  if (text.size() <= kQuoteLength) return "'" + text + "'";
  std::size_t cut = kQuoteLength;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  return "'" + text.substr(0, cut) + "...'";
}

bool is_plain_decimal(const std::string& s) {
  std::size_t i = s[0] == '+' || s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '.') return false;
  }
  return true;
}

std::string effective_problem(const std::string& field, const WeightedText& piece) {
  if (piece.is_break || (std::isfinite(piece.weight) && std::fabs(piece.weight) <= kMaxPromptWeight)) return {};
  return fmt::format("{}: the weight of {} is {} (nested brackets multiply); expected a finite number from -{} to {}",
                     field, quoted(piece.text), piece.weight, kMaxPromptWeight, kMaxPromptWeight);
}

}  // namespace

std::vector<std::string> prompt_weight_problems(const std::string& field, const std::string& prompt, bool allow_break) {
  std::vector<std::string> out;
  // 1. ":<number>)" where the number is not a plain decimal (strtod reads exponents, nan, inf, hex)
  for (std::size_t colon = prompt.find(':'); colon != std::string::npos && out.size() < kMaxMessages;
       colon = prompt.find(':', colon + 1)) {
    std::size_t start = colon + 1;
    while (start < prompt.size() && std::isspace(static_cast<unsigned char>(prompt[start]))) ++start;
    if (start >= prompt.size()) break;
    const char* begin = prompt.c_str() + start;
    char* end = nullptr;
    std::strtod(begin, &end);
    if (end == begin) continue;
    std::size_t after = start + static_cast<std::size_t>(end - begin);
    while (after < prompt.size() && std::isspace(static_cast<unsigned char>(prompt[after]))) ++after;
    if (after >= prompt.size() || prompt[after] != ')') continue;
    const std::string number(begin, static_cast<std::size_t>(end - begin));
    if (is_plain_decimal(number)) continue;
    const std::size_t open = prompt.rfind('(', colon);
    const std::size_t from = open == std::string::npos ? colon : open;
    out.push_back(
        fmt::format("{}: the weight '{}' in {} is not a plain decimal number; write weights like "
                    "(word:1.3), from -{} to {}",
                    field, number, quoted(prompt.substr(from, after + 1 - from)), kMaxPromptWeight, kMaxPromptWeight));
  }
  // 2. effective weights of the parsed pieces
  for (const auto& piece : parse_prompt_weights(prompt, allow_break)) {
    if (out.size() >= kMaxMessages) break;
    if (auto problem = effective_problem(field, piece); !problem.empty()) out.push_back(std::move(problem));
  }
  return out;
}

void check_prompt_weights(const std::string& field, const std::vector<WeightedText>& pieces) {
  for (const auto& piece : pieces) {
    if (auto problem = effective_problem(field, piece); !problem.empty()) throw Error(problem);
  }
}

}  // namespace poseforge::text
