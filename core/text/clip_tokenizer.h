// CLIPTokenizer: loads a transformers tokenizer/ folder and turns prompts into CLIP token ids.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace poseforge::text {

class ByteLevelBpe;

// Matches transformers' CLIPTokenizer (the one the fixtures were made with, transformers 5): special
// tokens (bos/eos/pad/unk and added tokens) are split out of the raw text first; each remaining
// piece is NFC-normalized, whitespace-collapsed and lowercased (ICU), split with CLIP's pattern,
// byte-level encoded and BPE-merged with "</w>" word ends. Unknown symbols get the unk id.
// Immutable after loading; all methods are thread-safe (the BPE cache is locked).
class ClipTokenizer {
 public:
  // Reads <folder>/vocab.json and merges.txt (required), tokenizer_config.json and
  // special_tokens_map.json (optional; their bos/eos/pad/unk tokens and added_tokens_decoder win
  // over CLIP's defaults). Throws Error naming the file that is missing or malformed.
  explicit ClipTokenizer(const std::filesystem::path& folder);
  ~ClipTokenizer();
  ClipTokenizer(ClipTokenizer&&) noexcept;
  ClipTokenizer& operator=(ClipTokenizer&&) noexcept;

  // Token ids of `text`, no BOS/EOS, no truncation.
  std::vector<std::int64_t> tokenize(const std::string& text) const;
  // BOS + tokenize(text) + EOS: transformers' ids without truncation ("untruncated_ids").
  std::vector<std::int64_t> encode_untruncated(const std::string& text) const;
  // transformers' tokenizer(text, padding="max_length", truncation=True): BOS + the first
  // max_length-2 ids + EOS, then pad ids up to max_length.
  std::vector<std::int64_t> encode(const std::string& text) const;
  // The same framing for ids tokenized elsewhere (chunks of a long prompt).
  std::vector<std::int64_t> frame(const std::vector<std::int64_t>& ids) const;

  std::int64_t bos_id() const { return bos_id_; }
  std::int64_t eos_id() const { return eos_id_; }
  std::int64_t pad_id() const { return pad_id_; }
  std::int64_t unk_id() const { return unk_id_; }
  int max_length() const { return max_length_; }          // model_max_length (77 for CLIP)
  int content_length() const { return max_length_ - 2; }  // ids between BOS and EOS (75)
  std::size_t vocab_size() const { return vocab_.size(); }
  // The smallest and largest id the tokenizer can produce (vocab.json, special and added tokens).
  std::int64_t min_id() const { return min_id_; }
  std::int64_t max_id() const { return max_id_; }
  const std::filesystem::path& folder() const { return folder_; }

 private:
  void tokenize_plain(const std::string& text, std::vector<std::int64_t>& out) const;

  std::filesystem::path folder_;
  std::unordered_map<std::string, std::int64_t> vocab_;
  std::unique_ptr<ByteLevelBpe> bpe_;
  std::vector<std::pair<std::string, std::int64_t>> specials_;  // split out before BPE, longest first
  std::int64_t bos_id_ = 0, eos_id_ = 0, pad_id_ = 0, unk_id_ = 0;
  int max_length_ = 77;
  std::int64_t min_id_ = 0, max_id_ = 0;
};

}  // namespace poseforge::text
