// SdxlPromptEncoder: SDXL's two tokenizers + CLIP text encoders -> prompt_embeds and pooled embeds.
#include "core/text/sdxl_prompt_encoder.h"

#include <torch/torch.h>

#include "core/error.h"
#include "core/text/prompt_chunks.h"
#include "core/text/prompt_weight_check.h"
#include "core/text/prompt_weighting.h"
#include "core/text/tokenizer_fit.h"

namespace poseforge::text {
namespace {

using torch::Tensor;
using Chunks = std::vector<TokenChunk>;

// A1111's emphasis on one chunk's states z [S, D]: z * w, then scaled back to the original mean.
Tensor apply_weights(const Tensor& z, const std::vector<float>& weights) {
  const Tensor z32 = z.to(torch::kFloat32);
  const Tensor w = torch::tensor(weights, torch::kFloat32).to(z.device()).unsqueeze(-1);
  const Tensor original_mean = z32.mean();
  const Tensor weighted = z32 * w;
  return (weighted * (original_mean / weighted.mean())).to(z.scalar_type());
}

struct EncodedChunks {
  Tensor states;  // [N, S, D] penultimate states, weighted
  Tensor pooled;  // [N, P] text_embeds (encoder with projection) or pooled
};

// Runs one encoder on every chunk at once.
EncodedChunks run_encoder(ClipTextModel& model, const Chunks& chunks) {
  std::vector<std::int64_t> ids;
  for (const auto& c : chunks) ids.insert(ids.end(), c.ids.begin(), c.ids.end());
  const auto n = static_cast<std::int64_t>(chunks.size());
  const Tensor input = torch::tensor(ids, torch::kLong).view({n, -1});
  const auto out = model->forward(input);
  EncodedChunks result{out.penultimate(), out.text_embeds.defined() ? out.text_embeds : out.pooled};
  std::vector<Tensor> rows;
  bool any_weighted = false;
  for (std::int64_t i = 0; i < n; ++i) {
    const auto& chunk = chunks[static_cast<std::size_t>(i)];
    any_weighted |= chunk.weighted();
    rows.push_back(chunk.weighted() ? apply_weights(result.states[i], chunk.weights) : result.states[i]);
  }
  if (any_weighted) result.states = torch::stack(rows);
  return result;
}

// [K chunks of S, D] rows [first, first + k) -> [1, K*S, D]
Tensor concat_chunks(const Tensor& states, std::int64_t first, std::int64_t k) {
  return states.narrow(0, first, k).reshape({1, -1, states.size(-1)});
}

}  // namespace

SdxlTextFolders SdxlTextFolders::diffusers(const std::filesystem::path& root) {
  return {root / "tokenizer", root / "tokenizer_2", root / "text_encoder", root / "text_encoder_2"};
}

SdxlPromptEncoder::SdxlPromptEncoder(ClipTokenizer tokenizer, ClipTextModel text_encoder, ClipTokenizer tokenizer_2,
                                     ClipTextModel text_encoder_2)
    : tokenizer_(std::move(tokenizer)),
      tokenizer_2_(std::move(tokenizer_2)),
      text_encoder_(std::move(text_encoder)),
      text_encoder_2_(std::move(text_encoder_2)) {
  if (!text_encoder_2_->config().with_projection) {
    throw Error("SDXL text_encoder_2 must be a CLIPTextModelWithProjection (its config.json 'architectures')");
  }
  if (tokenizer_.max_length() != tokenizer_2_.max_length()) {
    throw Error("SDXL tokenizers disagree on model_max_length: '{}' has {}, '{}' has {}", tokenizer_.folder().string(),
                tokenizer_.max_length(), tokenizer_2_.folder().string(), tokenizer_2_.max_length());
  }
  check_tokenizer_fits(tokenizer_, text_encoder_->config(), "text encoder 1 (text_encoder)");
  check_tokenizer_fits(tokenizer_2_, text_encoder_2_->config(), "text encoder 2 (text_encoder_2)");
}

SdxlPromptEncoder SdxlPromptEncoder::load(const SdxlTextFolders& f, torch::Device device, torch::ScalarType dtype) {
  return SdxlPromptEncoder(ClipTokenizer(f.tokenizer), load_clip_text_model(f.text_encoder, device, dtype),
                           ClipTokenizer(f.tokenizer_2), load_clip_text_model(f.text_encoder_2, device, dtype));
}

SdxlPromptEmbeddings SdxlPromptEncoder::encode(const std::string& prompt, const std::optional<std::string>& negative,
                                               const SdxlPromptOptions& options) const {
  torch::NoGradGuard no_grad;
  const bool zero_negative = !negative.has_value() && options.force_zeros_for_empty_prompt;
  auto parse = [&](const std::string& text, const char* field) {
    if (!options.weighting) return std::vector<WeightedText>{{text, 1.0, false}};
    auto pieces = parse_prompt_weights(text, options.long_prompts);
    check_prompt_weights(field, pieces);  // no infinite or huge weights into the embeddings
    return pieces;
  };
  const auto pos_pieces = parse(prompt, "prompt");
  const auto neg_pieces = parse(negative.value_or(""), "negative_prompt");

  // 1. chunks per tokenizer, positive then negative, all padded to the same count K
  const ClipTokenizer* tokenizers[2] = {&tokenizer_, &tokenizer_2_};
  Chunks pos[2], neg[2];
  std::size_t k = 1;
  for (int e = 0; e < 2; ++e) {
    pos[e] = chunk_prompt(*tokenizers[e], pos_pieces, options.long_prompts);
    if (!zero_negative) neg[e] = chunk_prompt(*tokenizers[e], neg_pieces, options.long_prompts);
    k = std::max({k, pos[e].size(), neg[e].size()});
  }
  // 2. encode each tokenizer's chunks with its encoder in one batch: [pos K | neg K]
  Tensor states[2], pooled[2];
  ClipTextModel encoders[2] = {text_encoder_, text_encoder_2_};
  for (int e = 0; e < 2; ++e) {
    Chunks all;
    for (Chunks* list : {&pos[e], &neg[e]}) {
      if (list == &neg[e] && zero_negative) continue;
      list->resize(k, empty_chunk(*tokenizers[e]));
      all.insert(all.end(), list->begin(), list->end());
    }
    auto encoded = run_encoder(encoders[e], all);
    states[e] = encoded.states;
    pooled[e] = encoded.pooled;
  }
  // 3. concatenate chunks along the sequence and encoders along features; pooled from chunk 0
  const auto kk = static_cast<std::int64_t>(k);
  SdxlPromptEmbeddings out;
  out.prompt_embeds = torch::cat({concat_chunks(states[0], 0, kk), concat_chunks(states[1], 0, kk)}, -1);
  out.pooled_prompt_embeds = pooled[1].narrow(0, 0, 1);
  if (zero_negative) {
    out.negative_prompt_embeds = torch::zeros_like(out.prompt_embeds);
    out.negative_pooled_prompt_embeds = torch::zeros_like(out.pooled_prompt_embeds);
  } else {
    out.negative_prompt_embeds = torch::cat({concat_chunks(states[0], kk, kk), concat_chunks(states[1], kk, kk)}, -1);
    out.negative_pooled_prompt_embeds = pooled[1].narrow(0, kk, 1);
  }
  return out;
}

}  // namespace poseforge::text
