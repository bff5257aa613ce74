// Fuzz harness: the CLIP tokenizer. First byte even: the rest is a prompt for the demo tokenizer. Odd: the rest
// is a tokenizer folder, vocab.json \0 merges.txt \0 tokenizer_config.json \0 special_tokens_map.json (the last
// two optional), loaded and used on a fixed prompt.
#include <string>
#include <vector>

#include "core/error.h"
#include "core/text/clip_tokenizer.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/harnesses.h"

namespace {

using namespace poseforge;

void check_ids(const text::ClipTokenizer& tok, const std::string& prompt) {
  const auto ids = tok.tokenize(prompt);
  const auto framed = tok.encode(prompt);
  fuzz::check(framed.size() == static_cast<std::size_t>(tok.max_length()), "encode() is not max_length ids");
  fuzz::check(framed.front() == tok.bos_id(), "encode() does not start with BOS");
  const auto untruncated = tok.encode_untruncated(prompt);
  fuzz::check(untruncated.size() == ids.size() + 2 && untruncated.back() == tok.eos_id(),
              "encode_untruncated() is not BOS + tokens + EOS");
}

}  // namespace

int fuzz_tokenizer(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    const auto& tok = fuzz::demo_tokenizer();
    check_ids(tok, rest);
    // Every byte is in the demo vocabulary: no id may fall outside it.
    for (const auto id : tok.tokenize(rest)) {
      fuzz::check(id >= 0 && id < fuzz::demo_tokenizer_ids(), "token id outside the vocabulary");
      fuzz::check(id != tok.unk_id() || rest.find("<|endoftext|>") != std::string::npos, "a byte became unk");
    }
    return 0;
  }
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= rest.size(); ++i) {
    if (i == rest.size() || rest[i] == '\0') {
      parts.push_back(rest.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() < 2) return 0;
  const auto folder = fuzz::scratch_dir() / "tokenizer";
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  const char* names[] = {"vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"};
  for (std::size_t i = 0; i < parts.size() && i < 4; ++i)
    fuzz::write_scratch(std::string("tokenizer/") + names[i], parts[i]);
  try {
    const text::ClipTokenizer tok(folder);
    fuzz::note("tokenizer folder loads, " + std::to_string(tok.vocab_size()) + " tokens");
    check_ids(tok, u8"a photo of <|endoftext|> the THING,  \u00fcn\u00efc\u00f6d\u00e9 \U0001F642 123");
  } catch (const Error& e) {
    fuzz::note(e.what());
  }
  return 0;
}
