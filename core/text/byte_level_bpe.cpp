// Byte-level BPE as CLIP uses it: bytes -> printable code points, merges by rank, "</w>" word end.
#include "core/text/byte_level_bpe.h"

#include <fstream>
#include <limits>
#include <sstream>

#include <unicode/unistr.h>

#include "core/error.h"
#include "core/io/lfs_pointer.h"

namespace poseforge::text {
namespace {

constexpr std::size_t kMaxCachedWords = 1 << 16;

// GPT-2's reversible byte -> code point table: printable Latin-1 bytes map to themselves, the rest
// (controls, space, 0x7F-0xA0, 0xAD) to 256 + n in byte order.
void build_byte_symbols(std::string (&symbols)[256]) {
  auto printable = [](int b) { return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF); };
  int next = 256;
  for (int b = 0; b < 256; ++b) {
    const UChar32 cp = printable(b) ? b : next++;
    symbols[b].clear();
    icu::UnicodeString(cp).toUTF8String(symbols[b]);
  }
}

}  // namespace

ByteLevelBpe::ByteLevelBpe(const std::filesystem::path& merges_file) {
  build_byte_symbols(byte_symbols_);
  io::check_not_lfs_pointer(merges_file, "the tokenizer's merges.txt");
  std::ifstream in(merges_file, std::ios::binary);
  if (!in) throw Error("tokenizer file '{}': cannot be opened (missing?)", merges_file.string());
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1 && line.rfind("#version", 0) == 0) continue;
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string left, right, extra;
    if (!(fields >> left >> right) || (fields >> extra)) {
      throw Error("tokenizer file '{}': line {} is not a merge pair 'left right': '{}'", merges_file.string(), line_no,
                  line);
    }
    ranks_.emplace(left + " " + right, static_cast<int>(ranks_.size()));
  }
  if (ranks_.empty()) throw Error("tokenizer file '{}': no merges", merges_file.string());
}

std::vector<std::string> ByteLevelBpe::encode_word(const std::string& word) const {
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (auto it = cache_.find(word); it != cache_.end()) return it->second;
  }
  auto symbols = merge(word);
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cache_.size() >= kMaxCachedWords) cache_.clear();  // bounded memory for long-running apps
  cache_.emplace(word, symbols);
  return symbols;
}

std::vector<std::string> ByteLevelBpe::merge(const std::string& word) const {
  std::vector<std::string> symbols;
  for (unsigned char b : word) symbols.push_back(byte_symbols_[b]);
  if (symbols.empty()) return symbols;
  symbols.back() += "</w>";

  // Repeatedly merge every occurrence (left to right) of the adjacent pair with the lowest rank.
  while (symbols.size() > 1) {
    int best_rank = std::numeric_limits<int>::max();
    std::string best_left, best_right;
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
      auto it = ranks_.find(symbols[i] + " " + symbols[i + 1]);
      if (it != ranks_.end() && it->second < best_rank) {
        best_rank = it->second;
        best_left = symbols[i];
        best_right = symbols[i + 1];
      }
    }
    if (best_rank == std::numeric_limits<int>::max()) break;
    std::vector<std::string> merged;
    merged.reserve(symbols.size());
    for (std::size_t i = 0; i < symbols.size();) {
      if (i + 1 < symbols.size() && symbols[i] == best_left && symbols[i + 1] == best_right) {
        merged.push_back(best_left + best_right);
        i += 2;
      } else {
        merged.push_back(symbols[i]);
        i += 1;
      }
    }
    symbols = std::move(merged);
  }
  return symbols;
}

}  // namespace poseforge::text
