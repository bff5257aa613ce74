// CLIPTokenizer: loads a transformers tokenizer/ folder and turns prompts into CLIP token ids.
#include "core/text/clip_tokenizer.h"

#include <algorithm>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/io/lfs_pointer.h"
#include "core/io/json_config.h"
#include "core/text/byte_level_bpe.h"
#include "core/text/clip_text_normalize.h"

namespace poseforge::text {
namespace {

namespace fs = std::filesystem;

std::unordered_map<std::string, std::int64_t> read_vocab(const fs::path& path) {
  io::check_not_lfs_pointer(path, "the tokenizer's vocab.json");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("tokenizer file '{}': cannot be opened (missing?)", path.string());
  nlohmann::json json;
  try {
    in >> json;
  } catch (const nlohmann::json::exception& e) {
    throw Error("tokenizer file '{}': not valid JSON: {}", path.string(), e.what());
  }
  if (!json.is_object() || json.empty()) {
    throw Error("tokenizer file '{}': expected a non-empty object token -> id", path.string());
  }
  std::unordered_map<std::string, std::int64_t> vocab;
  vocab.reserve(json.size());
  for (const auto& [token, id] : json.items()) {
    if (!id.is_number_integer()) {
      throw Error("tokenizer file '{}': id of token '{}' must be an integer, got {}", path.string(), token, id.dump());
    }
    vocab.emplace(token, id.get<std::int64_t>());
  }
  return vocab;
}

// A special-token entry is either "text" or {"content": "text", ...}.
std::string token_content(const io::JsonConfig& config, const std::string& key) {
  const auto& value = config.json().at(key);
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() && value.contains("content") && value.at("content").is_string()) {
    return value.at("content").get<std::string>();
  }
  config.fail(key, "must be a string or an object with a string 'content', got " + value.dump());
}

}  // namespace

ClipTokenizer::ClipTokenizer(const fs::path& folder) : folder_(folder) {
  vocab_ = read_vocab(folder / "vocab.json");
  bpe_ = std::make_unique<ByteLevelBpe>(folder / "merges.txt");

  // CLIPTokenizer's defaults, then tokenizer_config.json, then special_tokens_map.json.
  std::map<std::string, std::string> roles = {{"bos_token", "<|startoftext|>"},
                                              {"eos_token", "<|endoftext|>"},
                                              {"pad_token", "<|endoftext|>"},
                                              {"unk_token", "<|endoftext|>"}};
  std::map<std::string, std::int64_t> added;  // content -> id from added_tokens_decoder
  for (const char* name : {"tokenizer_config.json", "special_tokens_map.json"}) {
    const fs::path path = folder / name;
    if (!fs::exists(path)) continue;
    const auto config = io::JsonConfig::load(path);
    for (auto& [role, content] : roles) {
      if (config.has(role)) content = token_content(config, role);
    }
    if (config.has("model_max_length")) {
      max_length_ = config.get<int>("model_max_length");
      if (max_length_ < 2 || max_length_ > 1 << 20) config.fail("model_max_length", "must be in [2, 2^20]");
    }
    if (config.has("added_tokens_decoder")) {
      const auto decoder = config.child("added_tokens_decoder");
      for (const auto& [id, entry] : decoder.json().items()) {
        if (!entry.is_object() || !entry.contains("content") || !entry.at("content").is_string()) {
          decoder.fail(id, "must be an object with a string 'content'");
        }
        try {
          added[entry.at("content").get<std::string>()] = std::stoll(id);
        } catch (const std::exception&) {
          decoder.fail(id, "is not an integer token id");
        }
      }
    }
  }

  auto id_of = [&](const std::string& role, const std::string& content) {
    if (auto it = added.find(content); it != added.end()) return it->second;
    if (auto it = vocab_.find(content); it != vocab_.end()) return it->second;
    throw Error("tokenizer folder '{}': {} '{}' is neither in vocab.json nor in added_tokens_decoder", folder.string(),
                role, content);
  };
  bos_id_ = id_of("bos_token", roles["bos_token"]);
  eos_id_ = id_of("eos_token", roles["eos_token"]);
  pad_id_ = id_of("pad_token", roles["pad_token"]);
  unk_id_ = id_of("unk_token", roles["unk_token"]);

  std::map<std::string, std::int64_t> specials(added.begin(), added.end());
  for (const auto& [role, content] : roles) specials[content] = id_of(role, content);
  specials_.assign(specials.begin(), specials.end());
  std::stable_sort(specials_.begin(), specials_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  specials_.erase(std::remove_if(specials_.begin(), specials_.end(), [](const auto& s) { return s.first.empty(); }),
                  specials_.end());
  min_id_ = max_id_ = vocab_.begin()->second;
  for (const auto& [token, id] : vocab_) min_id_ = std::min(min_id_, id), max_id_ = std::max(max_id_, id);
  for (const auto& [token, id] : specials) min_id_ = std::min(min_id_, id), max_id_ = std::max(max_id_, id);
}

ClipTokenizer::~ClipTokenizer() = default;
ClipTokenizer::ClipTokenizer(ClipTokenizer&&) noexcept = default;
ClipTokenizer& ClipTokenizer::operator=(ClipTokenizer&&) noexcept = default;

std::vector<std::int64_t> ClipTokenizer::tokenize(const std::string& text) const {
  // Special tokens are matched in the raw text (leftmost, longest first) and never normalized.
  std::vector<std::int64_t> ids;
  std::size_t plain_start = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto hit = std::find_if(specials_.begin(), specials_.end(),
                                  [&](const auto& s) { return text.compare(i, s.first.size(), s.first) == 0; });
    if (hit == specials_.end()) {
      ++i;
      continue;
    }
    tokenize_plain(text.substr(plain_start, i - plain_start), ids);
    ids.push_back(hit->second);
    i += hit->first.size();
    plain_start = i;
  }
  tokenize_plain(text.substr(plain_start), ids);
  return ids;
}

void ClipTokenizer::tokenize_plain(const std::string& text, std::vector<std::int64_t>& out) const {
  if (text.empty()) return;
  for (const auto& word : split_clip_words(normalize_clip_text(text))) {
    for (const auto& symbol : bpe_->encode_word(word)) {
      auto it = vocab_.find(symbol);
      out.push_back(it != vocab_.end() ? it->second : unk_id_);
    }
  }
}

std::vector<std::int64_t> ClipTokenizer::encode_untruncated(const std::string& text) const {
  std::vector<std::int64_t> ids{bos_id_};
  const auto content = tokenize(text);
  ids.insert(ids.end(), content.begin(), content.end());
  ids.push_back(eos_id_);
  return ids;
}

std::vector<std::int64_t> ClipTokenizer::encode(const std::string& text) const {
  return frame(tokenize(text));
}

std::vector<std::int64_t> ClipTokenizer::frame(const std::vector<std::int64_t>& ids) const {
  std::vector<std::int64_t> out;
  out.reserve(max_length_);
  out.push_back(bos_id_);
  const auto n = std::min<std::size_t>(ids.size(), static_cast<std::size_t>(content_length()));
  out.insert(out.end(), ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(n));
  out.push_back(eos_id_);
  out.resize(static_cast<std::size_t>(max_length_), pad_id_);
  return out;
}

}  // namespace poseforge::text
