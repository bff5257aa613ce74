// core/text: CLIP tokenizer, CLIP text encoders, SDXL prompt encoding, long prompts and weighting.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/text/clip_text_model.h"
#include "core/text/clip_tokenizer.h"
#include "core/text/prompt_chunks.h"
#include "core/text/prompt_weighting.h"
#include "core/text/sdxl_prompt_encoder.h"
#include "tests/support/expect_error.h"
#include "tests/support/fixtures.h"
#include "tests/support/parity.h"
#include "tests/support/pipeline_fixtures.h"

using namespace poseforge;
using poseforge::test::expect_error;
using poseforge::test::fixture;
using poseforge::test::fixture_json;
using poseforge::test::TempDir;
using poseforge::test::write_bytes;

namespace {

std::string join(const std::vector<std::int64_t>& ids) {
  std::string s;
  for (auto id : ids) s += std::to_string(id) + " ";
  return s;
}

// Copies a fixture tokenizer folder into a temp dir so single files can be broken.
void copy_tokenizer(const std::string& name, const TempDir& dir) {
  for (const char* f : {"vocab.json", "merges.txt", "special_tokens_map.json", "tokenizer_config.json"}) {
    std::filesystem::copy_file(fixture("tokenizer/" + name + "/" + f), dir / f);
  }
}

}  // namespace

// ---------------------------------------------------------------- tokenizer

TEST(ClipTokenizer, MatchesTransformersOnEveryFixtureCase) {
  const auto cases = fixture_json("tokenizer/cases.json").at("cases");
  ASSERT_GT(cases.size(), 0u);
  std::map<std::string, std::unique_ptr<text::ClipTokenizer>> tokenizers;
  for (const auto& c : cases) {
    const auto name = c.at("tokenizer").get<std::string>();
    if (!tokenizers.count(name)) {
      tokenizers[name] = std::make_unique<text::ClipTokenizer>(fixture("tokenizer/" + name));
    }
    const auto& tok = *tokenizers[name];
    const auto prompt = c.at("prompt").get<std::string>();
    const auto input_ids = c.at("input_ids").get<std::vector<std::int64_t>>();
    const auto untruncated = c.at("untruncated_ids").get<std::vector<std::int64_t>>();
    EXPECT_EQ(static_cast<int>(input_ids.size()), tok.max_length()) << name;
    EXPECT_EQ(join(tok.encode(prompt)), join(input_ids)) << name << ": '" << prompt << "'";
    EXPECT_EQ(join(tok.encode_untruncated(prompt)), join(untruncated)) << name << ": '" << prompt << "'";
  }
  EXPECT_EQ(tokenizers.size(), 2u);
}

TEST(ClipTokenizer, PadTokenOfTokenizer2IsSplitOutAsSpecial) {
  const text::ClipTokenizer tok1(fixture("tokenizer/tokenizer"));
  const text::ClipTokenizer tok2(fixture("tokenizer/tokenizer_2"));
  EXPECT_EQ(tok1.pad_id(), tok1.eos_id());
  EXPECT_EQ(tok2.pad_id(), 0);
  // "!?" is one pre-tokenized word for tokenizer 1, but "!" is special in tokenizer 2.
  EXPECT_EQ(tok2.tokenize("!?").front(), 0);
  EXPECT_EQ(tok2.tokenize("!?").size(), 2u);
  EXPECT_NE(tok1.tokenize("!")[0], 0);
  // Special tokens written in the prompt are ids, not text.
  const auto ids = tok1.tokenize("a<|endoftext|>b");
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[1], tok1.eos_id());
}

TEST(ClipTokenizer, NormalizesUnicodeWithIcu) {
  const text::ClipTokenizer tok(fixture("tokenizer/tokenizer"));
  // NFD input equals NFC; non-ASCII upper case is lowered; any Unicode space run is one space.
  EXPECT_EQ(tok.tokenize("cafe\u0301 cre\u0300me"), tok.tokenize("caf\u00e9 cr\u00e8me"));
  EXPECT_EQ(tok.tokenize("CAF\u00c9 \u00c9T\u00c9"), tok.tokenize("caf\u00e9 \u00e9t\u00e9"));
  EXPECT_EQ(tok.tokenize("a\u00a0\u2003 b\u3000c"), tok.tokenize("a b c"));
  // Digits are single tokens whatever the script; CJK and emoji are byte-level BPE'd, never unk.
  auto concat = [](std::vector<std::int64_t> a, const std::vector<std::int64_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  EXPECT_EQ(tok.tokenize("\u0663\u0664"), concat(tok.tokenize("\u0663"), tok.tokenize("\u0664")));
  EXPECT_EQ(tok.tokenize("12"), concat(tok.tokenize("1"), tok.tokenize("2")));
  for (auto id : tok.tokenize("\u732b \U0001F525 \u00a9")) EXPECT_NE(id, tok.unk_id());
}

TEST(ClipTokenizer, BpeCacheGivesTheSameIdsFromManyThreads) {
  const text::ClipTokenizer tok(fixture("tokenizer/tokenizer"));
  const std::string prompt = "a ballerina dancing on stage, dramatic lighting, café crème";
  const auto expected = tok.encode(prompt);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) mismatches += tok.encode(prompt) != expected;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(ClipTokenizer, ErrorsNameTheMissingOrMalformedFile) {
  {
    TempDir dir;
    copy_tokenizer("tokenizer", dir);
    std::filesystem::remove(dir / "vocab.json");
    expect_error([&] { text::ClipTokenizer tok(dir.path()); }, {"vocab.json"});
  }
  {
    TempDir dir;
    copy_tokenizer("tokenizer", dir);
    std::filesystem::remove(dir / "merges.txt");
    expect_error([&] { text::ClipTokenizer tok(dir.path()); }, {"merges.txt"});
  }
  {
    TempDir dir;
    copy_tokenizer("tokenizer", dir);
    write_bytes(dir / "vocab.json", "{\"a\": 1,");
    expect_error([&] { text::ClipTokenizer tok(dir.path()); }, {"vocab.json", "JSON"});
  }
  {
    TempDir dir;
    copy_tokenizer("tokenizer", dir);
    write_bytes(dir / "merges.txt", "#version: 0.2\na b\nonlyone\n");
    expect_error([&] { text::ClipTokenizer tok(dir.path()); }, {"merges.txt", "line 3"});
  }
  {
    TempDir dir;
    copy_tokenizer("tokenizer", dir);
    write_bytes(dir / "tokenizer_config.json", "[1, 2");
    expect_error([&] { text::ClipTokenizer tok(dir.path()); }, {"tokenizer_config.json"});
  }
  {
    TempDir dir;
    copy_tokenizer("tokenizer_2", dir);
    write_bytes(dir / "special_tokens_map.json", "{\"pad_token\": {\"content\": \"<|nope|>\"}}");
    expect_error([&] { text::ClipTokenizer tok(dir.path()); }, {"pad_token", "<|nope|>"});
  }
}

// ---------------------------------------------------------------- text encoders

namespace {

void check_encoder(const std::string& name, const std::string& pooled_key, torch::Device device,
                   torch::ScalarType dtype, double tolerance) {
  io::SafetensorsFile expected(fixture("text_encoders/expected.safetensors"));
  auto model = text::load_clip_text_model(fixture("text_encoders/" + name), device, dtype);
  torch::NoGradGuard no_grad;
  const auto ids = expected.tensor(name + ".input_ids").to(torch::kLong);
  const auto out = model->forward(ids.to(device));
  for (const auto& [key, actual] :
       {std::pair{"last_hidden_state", out.last_hidden_state}, {"penultimate_hidden_state", out.penultimate()}}) {
    const auto stats = test::parity_stats(actual.to(torch::kCPU, torch::kFloat32), expected.tensor(name + "." + key));
    std::cout << name << "." << key << ": max abs " << stats.max_abs << ", rel " << stats.rel << "\n";
  }
  auto f32 = [](const torch::Tensor& t) { return t.to(torch::kCPU, torch::kFloat32); };
  EXPECT_TRUE(test::check_close(name + ".last_hidden_state", f32(out.last_hidden_state),
                                expected.tensor(name + ".last_hidden_state"), tolerance));
  EXPECT_TRUE(test::check_close(name + ".penultimate_hidden_state", f32(out.penultimate()),
                                expected.tensor(name + ".penultimate_hidden_state"), tolerance));
  const auto& pooled = model->config().with_projection ? out.text_embeds : out.pooled;
  EXPECT_TRUE(
      test::check_close(name + "." + pooled_key, f32(pooled), expected.tensor(name + "." + pooled_key), tolerance));
}

}  // namespace

TEST(ClipTextModel, TextEncoderMatchesTransformers) {
  check_encoder("text_encoder", "pooler_output", torch::kCPU, torch::kFloat32, 1e-3);
}

TEST(ClipTextModel, TextEncoder2WithProjectionMatchesTransformers) {
  check_encoder("text_encoder_2", "text_embeds", torch::kCPU, torch::kFloat32, 1e-3);
}

TEST(ClipTextModel, CudaHalfPrecisionIsCloseToReference) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA in this libtorch";
  check_encoder("text_encoder", "pooler_output", torch::kCUDA, torch::kFloat16, 2e-2);
  check_encoder("text_encoder_2", "text_embeds", torch::kCUDA, torch::kBFloat16, 5e-2);
}

TEST(ClipTextModel, CpuBfloat16IsCloseToReference) {
  check_encoder("text_encoder_2", "text_embeds", torch::kCPU, torch::kBFloat16, 5e-2);
}

TEST(ClipTextModel, CpuBfloat16WithoutOneDnnKernelsIsCloseToReference) {
  test::WithoutOneDnn plain_kernels;
  check_encoder("text_encoder_2", "text_embeds", torch::kCPU, torch::kBFloat16, 5e-2);
}

TEST(ClipTextModel, PoolsAtFirstEosOrAtLargestIdForLegacyConfigs) {
  text::ClipTextConfig config;
  config.vocab_size = 16;
  config.hidden_size = 8;
  config.intermediate_size = 12;
  config.num_hidden_layers = 1;
  config.num_attention_heads = 2;
  config.max_position_embeddings = 6;
  config.eos_token_id = 7;
  torch::manual_seed(0);
  text::ClipTextModel model(config);
  diffusion::init_random(*model);  // its linear layers start uninitialised
  torch::NoGradGuard no_grad;
  // First 7 at position 2 (another at 4); the largest id (15) at position 3.
  const auto ids = torch::tensor({1, 3, 7, 15, 7, 0}, torch::kLong).view({1, 6});
  auto out = model->forward(ids);
  EXPECT_TRUE(torch::equal(out.pooled[0], out.last_hidden_state[0][2]));
  EXPECT_FALSE(out.text_embeds.defined());
  config.eos_token_id = 2;  // legacy: argmax of the ids
  text::ClipTextModel legacy(config);
  diffusion::init_random(*legacy);
  out = legacy->forward(ids);
  EXPECT_TRUE(torch::equal(out.pooled[0], out.last_hidden_state[0][3]));
  EXPECT_EQ(out.hidden_states.size(), 2u);
  expect_error([&] { legacy->forward(torch::zeros({1, 7}, torch::kLong)); }, {"input_ids", "[1, 7]"});
}

TEST(ClipTextModel, ParameterNamesAreCheckpointKeys) {
  auto model = text::load_clip_text_model(fixture("text_encoders/text_encoder_2"));
  io::SafetensorsFile file(fixture("text_encoders/text_encoder_2/model.safetensors"));
  const auto params = model->named_parameters();
  EXPECT_EQ(params.size(), file.names().size());
  for (const auto& name : file.names()) EXPECT_TRUE(params.contains(name)) << name;
}

TEST(ClipTextModel, ConfigErrorsNameFileAndKey) {
  TempDir dir;
  write_bytes(dir / "config.json", R"({"hidden_size": 30, "num_attention_heads": 4})");
  expect_error([&] { text::load_clip_text_model(dir.path()); }, {"config.json", "num_attention_heads"});
  write_bytes(dir / "config.json", R"({"hidden_act": "relu6"})");
  expect_error([&] { text::load_clip_text_model(dir.path()); }, {"config.json", "hidden_act", "relu6"});
  write_bytes(dir / "config.json", R"({"hidden_size": "big"})");
  expect_error([&] { text::load_clip_text_model(dir.path()); }, {"config.json", "hidden_size"});
  write_bytes(dir / "config.json", R"({})");
  expect_error([&] { text::load_clip_text_model(dir.path()); }, {"no weights", dir.path().string()});
  std::filesystem::remove(dir / "config.json");
  expect_error([&] { text::load_clip_text_model(dir.path()); }, {"config.json"});
}

// ---------------------------------------------------------------- weighting syntax (hand-checked)

namespace {

constexpr double kBreak = -1000;  // marks an expected BREAK in expect_pieces

void expect_pieces(const std::vector<text::WeightedText>& actual,
                   const std::vector<std::pair<std::string, double>>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (expected[i].second == kBreak) {
      EXPECT_TRUE(actual[i].is_break) << i;
      continue;
    }
    EXPECT_FALSE(actual[i].is_break) << i;
    EXPECT_EQ(actual[i].text, expected[i].first) << i;
    EXPECT_NEAR(actual[i].weight, expected[i].second, 1e-12) << i << " '" << expected[i].first << "'";
  }
}

}  // namespace

TEST(PromptWeighting, ParsesA1111Syntax) {
  using text::parse_prompt_weights;
  expect_pieces(parse_prompt_weights("normal text"), {{"normal text", 1.0}});
  expect_pieces(parse_prompt_weights(""), {{"", 1.0}});
  expect_pieces(parse_prompt_weights("an (important) word"), {{"an ", 1.0}, {"important", 1.1}, {" word", 1.0}});
  expect_pieces(parse_prompt_weights("(unbalanced"), {{"unbalanced", 1.1}});
  expect_pieces(parse_prompt_weights("[soft] x"), {{"soft", 1 / 1.1}, {" x", 1.0}});
  expect_pieces(parse_prompt_weights("\\(literal\\]"), {{"(literal]", 1.0}});
  expect_pieces(parse_prompt_weights("(unnecessary)(parens)"), {{"unnecessaryparens", 1.1}});
  expect_pieces(parse_prompt_weights("(word:1.3), ((two))"), {{"word", 1.3}, {", ", 1.0}, {"two", 1.21}});
  expect_pieces(parse_prompt_weights("( word : -0.5 )"), {{" word ", -0.5}});
  // A1111's own docstring example.
  expect_pieces(parse_prompt_weights("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky)))."),
                {{"a ", 1.0},
                 {"house", 1.3 * 1.1 * 1.1},
                 {" ", 1.1},
                 {"on", 1.0},
                 {" a ", 1.1},
                 {"hill", 0.55},
                 {", sun, ", 1.1},
                 {"sky", 1.1 * 1.1 * 1.1 * 1.1},
                 {".", 1.1}});
  // A weight with no open bracket, stray closers and colons stay text.
  expect_pieces(parse_prompt_weights("a:1.5) b] c: d"), {{"a:1.5) b] c: d", 1.0}});
  expect_pieces(parse_prompt_weights("(a:1.2"), {{"a:1.2", 1.1}});
}

TEST(PromptWeighting, BreakIsAWholeUpperCaseWord) {
  using text::parse_prompt_weights;
  expect_pieces(parse_prompt_weights("a cat  BREAK\ta dog"), {{"a cat", 1.0}, {"", kBreak}, {"a dog", 1.0}});
  expect_pieces(parse_prompt_weights("a cat BREAK a dog", false), {{"a cat BREAK a dog", 1.0}});
  expect_pieces(parse_prompt_weights("BREAKING break"), {{"BREAKING break", 1.0}});
  expect_pieces(parse_prompt_weights("(x BREAK y)"), {{"x", 1.1}, {"", kBreak}, {"y", 1.1}});
}

// ---------------------------------------------------------------- chunking (hand-checked)

namespace {

std::string repeat_word(const std::string& word, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += (i ? " " : "") + word;
  return s;
}

}  // namespace

TEST(PromptChunks, SplitsAt75TokensWithBosEosAndPads) {
  const text::ClipTokenizer tok(fixture("tokenizer/tokenizer_2"));
  const auto word = tok.tokenize("word");
  ASSERT_EQ(word.size(), 1u);  // one token per "word", so n words are n tokens
  const int cap = tok.content_length();
  for (int n : {0, 1, cap, cap + 1, 2 * cap, 2 * cap + 3}) {
    const auto chunks = text::chunk_prompt(tok, text::parse_prompt_weights(repeat_word("word", n)), true);
    const std::size_t expected_chunks = n == 0 ? 1 : static_cast<std::size_t>((n + cap - 1) / cap);
    ASSERT_EQ(chunks.size(), expected_chunks) << n;
    int left = n;
    for (const auto& c : chunks) {
      const int in_chunk = std::min(left, cap);
      left -= in_chunk;
      ASSERT_EQ(static_cast<int>(c.ids.size()), tok.max_length());
      EXPECT_EQ(c.ids[0], tok.bos_id());
      for (int i = 1; i <= in_chunk; ++i) EXPECT_EQ(c.ids[i], word[0]) << n << " " << i;
      EXPECT_EQ(c.ids[in_chunk + 1], tok.eos_id()) << n;
      for (int i = in_chunk + 2; i < tok.max_length(); ++i) EXPECT_EQ(c.ids[i], tok.pad_id()) << n << " " << i;
      EXPECT_FALSE(c.weighted());
    }
    // Off: one chunk, exactly the tokenizer's truncated ids.
    const auto truncated = text::chunk_prompt(tok, text::parse_prompt_weights(repeat_word("word", n), false), false);
    ASSERT_EQ(truncated.size(), 1u);
    EXPECT_EQ(truncated[0].ids, tok.encode(repeat_word("word", n)));
  }
}

TEST(PromptChunks, BreakStartsANewChunkAndWeightsFollowTokens) {
  const text::ClipTokenizer tok(fixture("tokenizer/tokenizer"));
  const auto a = tok.tokenize("a cat"), b = tok.tokenize("a dog");
  const auto chunks = text::chunk_prompt(tok, text::parse_prompt_weights("a cat BREAK (a dog:1.5)"), true);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].ids, tok.encode("a cat"));
  EXPECT_EQ(chunks[1].ids, tok.encode("a dog"));
  EXPECT_FALSE(chunks[0].weighted());
  ASSERT_TRUE(chunks[1].weighted());
  EXPECT_EQ(chunks[1].weights[0], 1.0f);  // BOS
  for (std::size_t i = 1; i <= b.size(); ++i) EXPECT_EQ(chunks[1].weights[i], 1.5f);
  EXPECT_EQ(chunks[1].weights[b.size() + 1], 1.0f);  // EOS
  // A BREAK on an empty chunk still closes it; a trailing BREAK adds nothing.
  EXPECT_EQ(text::chunk_prompt(tok, text::parse_prompt_weights("BREAK x"), true).size(), 2u);
  EXPECT_EQ(text::chunk_prompt(tok, text::parse_prompt_weights("x BREAK"), true).size(), 1u);
  // Weighted pieces are tokenized apart: "(masterpiece:1.2), x" has no bracket tokens.
  const auto w = text::chunk_prompt(tok, text::parse_prompt_weights("(masterpiece:1.2), x"), true);
  EXPECT_EQ(w[0].ids, tok.encode("masterpiece, x"));
}

// ---------------------------------------------------------------- SDXL prompt encoder

namespace {

text::SdxlTextFolders fixture_folders() {
  return {fixture("tokenizer/tokenizer"), fixture("tokenizer/tokenizer_2"), fixture("text_encoders/text_encoder"),
          fixture("text_encoders/text_encoder_2")};
}

const text::SdxlPromptEncoder& fixture_encoder() {
  static const text::SdxlPromptEncoder encoder = text::SdxlPromptEncoder::load(fixture_folders());
  return encoder;
}

}  // namespace

namespace {

// A prompt that A1111 weighting and long-prompt chunking leave as it is: no weighting syntax, no BREAK,
// and within both tokenizers' single-chunk budget (BOS + content + EOS).
bool is_plain_prompt(const std::string& prompt) {
  if (prompt.find_first_of("()[]\\") != std::string::npos || prompt.find("BREAK") != std::string::npos) return false;
  for (int i = 0; i < 2; ++i) {
    const auto& tok = fixture_encoder().tokenizer(i);
    if (static_cast<int>(tok.encode_untruncated(prompt).size()) > tok.max_length()) return false;
  }
  return true;
}

}  // namespace

TEST(SdxlPromptEncoder, MatchesDiffusersPipelineEmbeddings) {
  // Every run of params.json against its own expected file (the prompts may differ between runs).
  const auto runs = fixture_json("pipeline/params.json").at("runs");
  ASSERT_FALSE(runs.empty());
  for (const auto& run : runs) {
    const std::string expected_file = test::fixture_expected_file(run);
    SCOPED_TRACE(expected_file);
    io::SafetensorsFile expected(fixture(expected_file));
    const auto prompt = run.at("prompt").get<std::string>();
    const auto negative = run.at("negative_prompt").get<std::string>();
    text::SdxlPromptOptions diffusers_options;
    diffusers_options.long_prompts = false;
    diffusers_options.weighting = false;
    const auto ref = fixture_encoder().encode(prompt, negative, diffusers_options);
    const auto app = fixture_encoder().encode(prompt, negative, text::SdxlPromptOptions{});
    // The app's defaults (long prompts + weighting) must not change plain prompts; a fixture prompt with
    // weighting syntax or over one chunk is meant to differ there, so only the diffusers path is compared.
    const bool plain = is_plain_prompt(prompt) && is_plain_prompt(negative);
    for (const auto& [key, value, app_value] :
         {std::tuple{"prompt_embeds", ref.prompt_embeds, app.prompt_embeds},
          {"negative_prompt_embeds", ref.negative_prompt_embeds, app.negative_prompt_embeds},
          {"pooled_prompt_embeds", ref.pooled_prompt_embeds, app.pooled_prompt_embeds},
          {"negative_pooled_prompt_embeds", ref.negative_pooled_prompt_embeds, app.negative_pooled_prompt_embeds}}) {
      const auto stats = test::parity_stats(value, expected.tensor(key));
      std::cout << key << ": max abs " << stats.max_abs << ", rel " << stats.rel << "\n";
      EXPECT_TRUE(test::check_close(key, value, expected.tensor(key), 1e-3));
      if (plain) {
        EXPECT_TRUE(torch::equal(value, app_value)) << key << ": long prompts + weighting changed a plain prompt";
      }
    }
  }
}

TEST(SdxlPromptEncoder, AbsentNegativeIsZerosEmptyNegativeIsEncoded) {
  const auto& enc = fixture_encoder();
  const auto absent = enc.encode("a cat", std::nullopt);
  EXPECT_EQ(absent.negative_prompt_embeds.sizes(), absent.prompt_embeds.sizes());
  EXPECT_EQ(absent.negative_prompt_embeds.abs().max().item<float>(), 0.0f);
  EXPECT_EQ(absent.negative_pooled_prompt_embeds.abs().max().item<float>(), 0.0f);
  const auto empty = enc.encode("a cat", std::string());
  EXPECT_GT(empty.negative_prompt_embeds.abs().max().item<float>(), 0.0f);
  text::SdxlPromptOptions no_zeros;
  no_zeros.force_zeros_for_empty_prompt = false;
  EXPECT_TRUE(
      torch::equal(enc.encode("a cat", std::nullopt, no_zeros).negative_prompt_embeds, empty.negative_prompt_embeds));
  // The empty positive prompt is [BOS, EOS, pads], as diffusers encodes it: the same tokens as the empty
  // negative. They are encoded as two rows of one batch, and a BLAS may round a row by its place in the
  // matrix (OpenBLAS on AMD EPYC does), so equal within float32 rounding, not bit for bit.
  const auto blank = enc.encode("", std::string());
  EXPECT_TRUE(test::check_close("empty prompt vs empty negative", blank.prompt_embeds, blank.negative_prompt_embeds, 1e-5));
}

TEST(SdxlPromptEncoder, LongPromptsAreChunkedAndNegativePaddedToMatch) {
  const auto& enc = fixture_encoder();
  const int cap = enc.tokenizer(0).content_length(), len = enc.tokenizer(0).max_length();
  const std::string long_prompt = repeat_word("word", cap + 10);
  const auto chunked = enc.encode(long_prompt, std::string("blurry"));
  const int d = static_cast<int>(chunked.prompt_embeds.size(-1));
  EXPECT_EQ(chunked.prompt_embeds.sizes(), (std::vector<std::int64_t>{1, 2 * len, d}));
  EXPECT_EQ(chunked.negative_prompt_embeds.sizes(), chunked.prompt_embeds.sizes());
  EXPECT_EQ(chunked.pooled_prompt_embeds.dim(), 2);

  text::SdxlPromptOptions truncate;
  truncate.long_prompts = false;
  const auto truncated = enc.encode(long_prompt, std::string("blurry"), truncate);
  EXPECT_EQ(truncated.prompt_embeds.size(1), len);
  // Chunk 1 is the truncated prompt; pooled comes from chunk 1.
  EXPECT_TRUE(test::check_close("first chunk", chunked.prompt_embeds.narrow(1, 0, len), truncated.prompt_embeds, 1e-6));
  EXPECT_TRUE(test::check_close("pooled", chunked.pooled_prompt_embeds, truncated.pooled_prompt_embeds, 1e-6));
  // Chunk 2 is the last 10 words alone; the negative's chunk 2 is the empty prompt.
  const auto tail = enc.encode(repeat_word("word", 10), std::string(""));
  EXPECT_TRUE(test::check_close("second chunk", chunked.prompt_embeds.narrow(1, len, len), tail.prompt_embeds, 1e-6));
  EXPECT_TRUE(test::check_close("negative padding chunk", chunked.negative_prompt_embeds.narrow(1, len, len),
                                tail.negative_prompt_embeds, 1e-6));
  // Absent negative with a long prompt: zeros of the long shape.
  EXPECT_EQ(enc.encode(long_prompt, std::nullopt).negative_prompt_embeds.size(1), 2 * len);
}

TEST(SdxlPromptEncoder, WeightsScaleStatesAndKeepTheirMean) {
  const auto& enc = fixture_encoder();
  const auto plain = enc.encode("ballerina dancing", std::nullopt);
  const auto weighted = enc.encode("(ballerina:1.5) dancing", std::nullopt);
  const auto width = plain.prompt_embeds.size(-1);  // d1 + d2
  ASSERT_EQ(weighted.prompt_embeds.sizes(), plain.prompt_embeds.sizes());
  EXPECT_FALSE(torch::allclose(weighted.prompt_embeds, plain.prompt_embeds));
  EXPECT_TRUE(torch::equal(weighted.pooled_prompt_embeds, plain.pooled_prompt_embeds));  // pooled never weighted
  // Each encoder's part keeps its mean (A1111 rescales after multiplying).
  const auto width1 = text::load_clip_text_model(fixture("text_encoders/text_encoder"))->config().hidden_size;
  for (const auto& [first, part] : {std::pair{std::int64_t{0}, width1}, {width1, width - width1}}) {
    const auto a = weighted.prompt_embeds.narrow(-1, first, part).mean().item<double>();
    const auto b = plain.prompt_embeds.narrow(-1, first, part).mean().item<double>();
    EXPECT_NEAR(a, b, 1e-5 * std::max(1.0, std::abs(b)));
  }
  // Token 1 (ballerina) is scaled by 1.5 relative to token 2 before the common rescale.
  const auto w = weighted.prompt_embeds.narrow(-1, 0, width1)[0];
  const auto p = plain.prompt_embeds.narrow(-1, 0, width1)[0];
  const auto ratio1 = (w[1] / p[1]).mean().item<double>(), ratio2 = (w[2] / p[2]).mean().item<double>();
  EXPECT_NEAR(ratio1 / ratio2, 1.5, 1e-4);
}
