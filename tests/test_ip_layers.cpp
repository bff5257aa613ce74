// IP-Adapter layer control: weight types (which attention layers a prompt reaches), several prompts
// with their own types, per-call scales from start/end, regional masks (diffusers' IPAdapterMaskProcessor).
#include <algorithm>
#include <functional>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/diffusion/ip_mask.h"
#include "core/diffusion/ip_weight_type.h"
#include "core/diffusion/unet_2d_condition.h"
#include "core/io/safetensors.h"
#include "core/pipeline/denoise_loop.h"
#include "core/pipeline/ip_groups.h"
#include "tests/support/expect_error.h"
#include "tests/support/fixtures.h"
#include "tests/support/parity.h"

using namespace poseforge;
using namespace poseforge::diffusion;
using poseforge::test::expect_error;
using poseforge::test::fixture;
namespace F = torch::nn::functional;

namespace {

bool under(const std::string& name, const std::string& prefix) {
  return prefix.empty() || name == prefix || name.rfind(prefix + ".", 0) == 0;
}

// Whether a layer is one that `type` reaches, as the issue defines the types (InstantStyle's SDXL
// blocks), independent of the library's table.
bool reached(IpWeightType type, const std::string& layer) {
  switch (type) {
    case IpWeightType::Standard: return true;
    case IpWeightType::Style: return under(layer, "up_blocks.0.attentions.1");
    case IpWeightType::Composition: return under(layer, "down_blocks.2.attentions.1");
    case IpWeightType::StyleAndComposition:
      return under(layer, "up_blocks.0.attentions.1") || under(layer, "down_blocks.2.attentions.1");
    case IpWeightType::StrongStyle: return under(layer, "up_blocks");
  }
  return false;
}

// The fixture UNet with random IP-Adapter weights on every cross-attention layer.
struct LayerCase {
  io::TensorMap e = io::SafetensorsFile(fixture("unet/expected.safetensors")).tensors();
  UNet2DConditionModel unet = load_unet(fixture("unet/unet"), torch::kCPU, torch::kFloat32);
  UNetConditioning cond;
  std::vector<std::string> names;
  std::int64_t token_dim = 0;

  LayerCase() {
    torch::manual_seed(0);
    cond.timestep = e.at("timestep");
    cond.encoder_hidden_states = e.at("encoder_hidden_states");
    cond.text_embeds = e.at("text_embeds");
    cond.time_ids = e.at("time_ids");
    token_dim = cond.encoder_hidden_states.size(2);
    std::vector<std::pair<torch::Tensor, torch::Tensor>> layers;
    for (const auto& [name, layer] : unet->cross_attention_layers()) {
      names.push_back(name);
      const auto inner = layer->named_parameters()["to_k.weight"].size(0);
      layers.emplace_back(torch::randn({inner, token_dim}) * 0.2, torch::randn({inner, token_dim}) * 0.2);
    }
    unet->set_ip_adapter(layers);
  }
  torch::Tensor tokens(std::int64_t count = 4) const {
    return torch::randn({cond.encoder_hidden_states.size(0), count, token_dim});
  }
  // A group of `type` at `weight` on every call (the layers it reaches, its per-layer scales).
  IpTokenGroup group(IpWeightType type, const torch::Tensor& tokens, double weight = 0.8,
                     double composition = 0.6) const {
    IpTokenGroup g;
    g.tokens = tokens;
    const auto weights = ip_layer_weights(type, weight, composition, names);
    for (const auto& name : names) g.layers.push_back(reached(type, name));
    g.layer_scales = torch::tensor(std::vector<float>(weights.begin(), weights.end()));
    return g;
  }
  torch::Tensor run(const UNetConditioning& c) { return unet->forward(e.at("sample"), c); }
  // A query input for layer i: [B, queries, query width].
  torch::Tensor query_input(std::size_t i, std::int64_t queries = 16) {
    const auto width = unet->cross_attention_layers()[i].second->named_parameters()["to_q.weight"].size(1);
    return torch::randn({cond.encoder_hidden_states.size(0), queries, width});
  }
};

}  // namespace

TEST(IpWeightTypes, NamesLabelsAndParsing) {
  for (const auto type : all_ip_weight_types()) {
    EXPECT_EQ(parse_ip_weight_type(ip_weight_type_name(type)), type);
    EXPECT_EQ(parse_ip_weight_type(ip_weight_type_label(type)), type);
    EXPECT_GT(std::string(ip_weight_type_description(type)).size(), 20u);
  }
  EXPECT_EQ(parse_ip_weight_type("Style Transfer"), IpWeightType::Style);
  EXPECT_EQ(parse_ip_weight_type("style-and-composition"), IpWeightType::StyleAndComposition);
  EXPECT_EQ(parse_ip_weight_type("strong style transfer"), IpWeightType::StrongStyle);
  expect_error([] { parse_ip_weight_type("ease in"); }, {"ease in", "style_and_composition"});
}

TEST(IpWeightTypes, EachTypeChangesExactlyTheAttentionOutputsOfItsBlocks) {
  torch::NoGradGuard no_grad;
  LayerCase t;
  const auto& layers = t.unet->cross_attention_layers();
  const auto ctx = t.cond.encoder_hidden_states;
  for (const auto type : all_ip_weight_types()) {
    const IpConditioning groups{t.group(type, t.tokens())};
    std::size_t changed = 0, expected = 0;
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const auto x = t.query_input(i);
      Attention attn = layers[i].second;  // a handle to the layer
      const auto plain = attn->forward(x, ctx);  // the run without image prompt
      const auto with = attn->forward(x, ctx, &groups);
      const bool should = reached(type, layers[i].first);
      expected += should;
      if (should) {
        EXPECT_GT((with - plain).abs().max().item<double>(), 1e-4)
            << ip_weight_type_name(type) << " " << layers[i].first;
        ++changed;
      } else {
        EXPECT_TRUE(torch::equal(with, plain)) << ip_weight_type_name(type) << " changed " << layers[i].first;
      }
    }
    EXPECT_EQ(changed, expected) << ip_weight_type_name(type);
    EXPECT_GT(expected, 0u) << ip_weight_type_name(type);
  }
  // The library's per-layer weights reach the same layers; the style block is a part of the UNet.
  for (const auto type : all_ip_weight_types()) {
    const auto w = ip_layer_weights(type, 1.0, 1.0, t.names);
    for (std::size_t i = 0; i < t.names.size(); ++i) EXPECT_EQ(w[i] != 0.0, reached(type, t.names[i])) << t.names[i];
  }
  std::size_t style_layers = 0;
  for (const auto& name : t.names) style_layers += reached(IpWeightType::Style, name);
  EXPECT_GT(style_layers, 0u);
  EXPECT_LT(style_layers, t.names.size());
}

TEST(IpWeightTypes, PromptsOfDifferentTypesGoToTheirOwnLayers) {
  torch::NoGradGuard no_grad;
  LayerCase t;
  const auto& layers = t.unet->cross_attention_layers();
  const auto ctx = t.cond.encoder_hidden_states;
  const auto style = t.group(IpWeightType::Style, t.tokens());
  const auto composition = t.group(IpWeightType::Composition, t.tokens(6));
  const IpConditioning both{style, composition}, only_style{style}, only_composition{composition};
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto x = t.query_input(i);
    Attention attn = layers[i].second;
    const auto out = attn->forward(x, ctx, &both);
    const auto& name = layers[i].first;
    if (under(name, kIpStyleBlock)) {
      EXPECT_TRUE(torch::equal(out, attn->forward(x, ctx, &only_style))) << name;
    } else if (under(name, kIpCompositionBlock)) {
      EXPECT_TRUE(torch::equal(out, attn->forward(x, ctx, &only_composition))) << name;
    } else {
      EXPECT_TRUE(torch::equal(out, attn->forward(x, ctx))) << name;
    }
  }
}

TEST(IpWeightTypes, StyleAndCompositionUsesEachItsOwnWeight) {
  LayerCase t;
  const auto w = ip_layer_weights(IpWeightType::StyleAndComposition, 0.9, 0.3, t.names);
  for (std::size_t i = 0; i < t.names.size(); ++i) {
    const double expected = under(t.names[i], kIpStyleBlock) ? 0.9 : under(t.names[i], kIpCompositionBlock) ? 0.3 : 0.0;
    EXPECT_EQ(w[i], expected) << t.names[i];
  }
  expect_error(
      [] { ip_layer_weights(IpWeightType::Style, 1, 1, {"down_blocks.1.attentions.0.transformer_blocks.0.attn2"}); },
      {"style", kIpStyleBlock});
}

TEST(IpGroups, StandardGroupEqualsPlainTokensAndItsScalesMultiply) {
  torch::NoGradGuard no_grad;
  LayerCase t;
  const auto baseline = t.run(t.cond);
  const auto tokens = t.tokens();
  auto plain = t.cond;
  plain.image_tokens = tokens;
  const auto with_tokens = t.run(plain);
  const auto layers = static_cast<std::int64_t>(t.names.size());
  auto grouped = t.cond;
  grouped.ip_groups = {{tokens, {}, torch::ones({layers}), {}}};
  EXPECT_TRUE(torch::equal(t.run(grouped), with_tokens));
  grouped.ip_groups[0].layer_scales = torch::zeros({layers});
  EXPECT_TRUE(torch::equal(t.run(grouped), baseline));
  grouped.ip_groups[0].layer_scales = torch::full({layers}, 0.5);
  t.unet->set_ip_adapter_scale(torch::full({}, 0.5));
  const auto half = t.run(plain);
  t.unet->set_ip_adapter_scale(torch::ones({}));
  EXPECT_TRUE(test::check_close("group scale 0.5", t.run(grouped), half, 1e-6));
  // Shapes that do not fit are Errors naming the group.
  grouped.ip_groups[0].layer_scales = torch::ones({layers + 1});
  expect_error([&] { t.run(grouped); }, {"group 1", "layer scales"});
  grouped.ip_groups[0] = {tokens.narrow(0, 0, 1), {}, {}, {}};
  expect_error([&] { t.run(grouped); }, {"group 1", "shape"});
}

TEST(IpMasks, ZerosEqualNoImagePromptOnesEqualUnmaskedAtTheFixtureSize) {
  torch::NoGradGuard no_grad;
  LayerCase t;
  const auto sample = t.e.at("sample");
  const auto lh = sample.size(2), lw = sample.size(3);
  const auto grids = attention_query_counts(t.unet->config(), lh, lw);
  const auto baseline = t.run(t.cond);
  auto c = t.cond;
  c.ip_groups = {t.group(IpWeightType::Standard, t.tokens())};
  const auto unmasked = t.run(c);
  ASSERT_GT((unmasked - baseline).abs().max().item<double>(), 1e-4);
  // a mask at the output size (latent x 8), as the pipeline makes them
  const auto opts = torch::TensorOptions().dtype(torch::kFloat32);
  c.ip_groups[0].masks = ip_masks_per_grid(torch::zeros({1, lh * 8, lw * 8}), grids, opts);
  EXPECT_TRUE(torch::equal(t.run(c), baseline));
  c.ip_groups[0].masks = ip_masks_per_grid(torch::ones({1, lh * 8, lw * 8}), grids, opts);
  EXPECT_TRUE(test::check_close("mask of ones", t.run(c), unmasked, 1e-5));
  // half a mask: between the two, and different from both
  auto half = torch::zeros({1, lh * 8, lw * 8});
  half.narrow(2, 0, lw * 4).fill_(1.0);
  c.ip_groups[0].masks = ip_masks_per_grid(half, grids, opts);
  const auto masked = t.run(c);
  EXPECT_GT((masked - baseline).abs().max().item<double>(), 1e-5);
  EXPECT_GT((masked - unmasked).abs().max().item<double>(), 1e-5);
  // a grid the mask was not made for is an Error, not a silent skip
  c.ip_groups[0].masks = {c.ip_groups[0].masks.front()};
  expect_error([&] { t.run(c); }, {"mask", "tokens"});
}

TEST(IpMasks, QueryCountsAreTheUNetsGridsAlsoForOddSizes) {
  torch::NoGradGuard no_grad;
  LayerCase t;
  const auto& config = t.unet->config();
  for (const auto& [lh, lw] :
       {std::pair<std::int64_t, std::int64_t>{t.e.at("sample").size(2), t.e.at("sample").size(3)}, {15, 13}, {9, 20}}) {
    const auto grids = attention_query_counts(config, lh, lw);
    ASSERT_EQ(grids.size(), config.block_out_channels.size());
    EXPECT_EQ(grids.front(), lh * lw);
    // every masked layer finds its grid: the forward runs (a missing one throws)
    auto c = t.cond;
    const auto batch = c.encoder_hidden_states.size(0);
    auto group = t.group(IpWeightType::Standard, t.tokens());
    group.masks = ip_masks_per_grid(torch::ones({1, lh * 8, lw * 8}), grids, torch::kFloat32);
    c.ip_groups = {group};
    const auto out = t.unet->forward(torch::randn({batch, config.in_channels, lh, lw}), c);
    EXPECT_EQ(out.size(2), lh);
    EXPECT_EQ(out.size(3), lw);
  }
}

TEST(IpMasks, DownsampleAsDiffusersIPAdapterMaskProcessor) {
  // aspect 2:1, 32 queries: h = int(sqrt(32 / 2)) = 4 (divides 32), w = 8; bicubic, row-major
  auto mask = torch::zeros({1, 64, 128});
  mask.narrow(2, 0, 64).fill_(1.0);  // left half
  const auto down = downsample_ip_mask(mask, 32);
  EXPECT_EQ(down.sizes().vec(), (std::vector<std::int64_t>{1, 32, 1}));
  const auto expected =
      F::interpolate(
          mask.unsqueeze(0),
          F::InterpolateFuncOptions().size(std::vector<std::int64_t>{4, 8}).mode(torch::kBicubic).align_corners(false))
          .reshape({1, 32, 1});
  EXPECT_TRUE(torch::equal(down, expected));
  const auto grid = down.reshape({4, 8});
  EXPECT_GT(grid.narrow(1, 0, 3).min().item<float>(), 0.9f);  // left columns in the mask
  EXPECT_LT(grid.narrow(1, 5, 3).max().item<float>(), 0.1f);  // right columns out
  // another aspect ratio: 32 queries of a square mask: h = 5 + 1 (5 does not divide 32), w = 5,
  // 30 tokens padded with zeros to 32
  const auto square = downsample_ip_mask(torch::ones({1, 40, 40}), 32);
  EXPECT_EQ(square.size(1), 32);
  EXPECT_EQ(square.narrow(1, 30, 2).abs().max().item<float>(), 0.0f);
  EXPECT_NEAR(square.narrow(1, 0, 30).min().item<float>(), 1.0f, 1e-6);
  expect_error([] { downsample_ip_mask(torch::ones({40, 40}), 32); }, {"[N, H, W]"});
}

TEST(IpMasks, PreprocessGreysResizesAndBinarises) {
  io::Image image;
  image.width = 8;
  image.height = 4;
  image.channels = 3;
  image.pixels.assign(8 * 4 * 3, 0);
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x) std::fill_n(image.row(y) + 3 * x, 3, 255);  // left half white
    image.row(y)[3 * 6] = 255;                                              // red: grey 76, out
    std::fill_n(image.row(y) + 3 * 7, 3, 128);                              // grey 128 of 255: in
  }
  const auto same = preprocess_ip_mask(image, 8, 4);
  EXPECT_EQ(same.sizes().vec(), (std::vector<std::int64_t>{1, 4, 8}));
  EXPECT_EQ(same[0][0][0].item<float>(), 1.0f);
  EXPECT_EQ(same[0][0][5].item<float>(), 0.0f);
  EXPECT_EQ(same[0][0][6].item<float>(), 0.0f);
  EXPECT_EQ(same[0][0][7].item<float>(), 1.0f);
  const auto big = preprocess_ip_mask(image, 32, 16);
  EXPECT_EQ(big.sizes().vec(), (std::vector<std::int64_t>{1, 16, 32}));
  EXPECT_TRUE(torch::equal(big, (big == 1.0).to(torch::kFloat32)));  // only 0 and 1
  EXPECT_EQ(big[0][8][2].item<float>(), 1.0f);
  EXPECT_EQ(big[0][8][20].item<float>(), 0.0f);
  expect_error([] { preprocess_ip_mask({}, 8, 8); }, {"mask", "empty"});
}

namespace {

pipeline::Inputs::ImagePrompt prompt_of(IpWeightType type, double weight, double start = 0.0, double end = 1.0) {
  pipeline::Inputs::ImagePrompt p;
  p.image.width = p.image.height = 2;
  p.image.pixels.assign(12, static_cast<std::uint8_t>(weight * 100));
  p.weight = weight;
  p.type = type;
  p.start = start;
  p.end = end;
  return p;
}

}  // namespace

TEST(IpGroups, AgreeingPromptsShareOneAveragedGroupMaskedOnesStandAlone) {
  auto masked = prompt_of(IpWeightType::Standard, 1.0);
  masked.mask = masked.image;
  const std::vector<pipeline::Inputs::ImagePrompt> prompts = {prompt_of(IpWeightType::Standard, 0.5),
                                                              prompt_of(IpWeightType::Style, 0.7),
                                                              prompt_of(IpWeightType::Standard, 0.9),
                                                              prompt_of(IpWeightType::Standard, 1.0, 0.2, 1.0),
                                                              masked,
                                                              masked};
  const auto groups = pipeline::group_image_prompts(prompts);
  ASSERT_EQ(groups.size(), 5u);
  EXPECT_EQ(groups[0].members, (std::vector<std::size_t>{0, 2}));
  EXPECT_DOUBLE_EQ(groups[0].weight, 0.9);  // the strongest member's
  EXPECT_EQ(groups[1].members, (std::vector<std::size_t>{1}));
  EXPECT_EQ(groups[1].type, IpWeightType::Style);
  EXPECT_EQ(groups[2].members, (std::vector<std::size_t>{3}));  // another start
  EXPECT_DOUBLE_EQ(groups[2].start, 0.2);
  EXPECT_TRUE(groups[3].masked);
  EXPECT_EQ(groups[3].members, (std::vector<std::size_t>{4}));
  EXPECT_EQ(groups[4].members, (std::vector<std::size_t>{5}));
}

TEST(IpGroups, PerCallScalesFollowStartEndAndTypeWeights) {
  torch::NoGradGuard no_grad;
  LayerCase t;
  const std::int64_t calls = 8;
  const std::vector<pipeline::Inputs::ImagePrompt> prompts = {prompt_of(IpWeightType::Style, 0.8, 0.25, 0.75),
                                                              prompt_of(IpWeightType::Standard, 0.5, 0.0, 0.5)};
  int encoded = 0;
  auto tokens = [&](const std::vector<pipeline::Inputs::ImagePrompt>& members) {
    ++encoded;
    return torch::randn({2, 4, t.token_dim});
  };
  const auto& sample = t.e.at("sample");
  pipeline::IpLoopConditioning ip(prompts, tokens, t.unet, calls, /*cfg=*/true, sample.size(2), sample.size(3),
                                  static_cast<int>(sample.size(3) * 8), static_cast<int>(sample.size(2) * 8),
                                  torch::kCPU, torch::kFloat32);
  EXPECT_EQ(encoded, 2);
  ASSERT_EQ(ip.groups().size(), 2u);
  EXPECT_EQ(ip.call_scales().sizes().vec(),
            (std::vector<std::int64_t>{calls, 2, static_cast<std::int64_t>(t.names.size())}));
  for (std::size_t g = 0; g < 2; ++g) {
    const auto& p = prompts[g];
    const auto keep = pipeline::controlnet_keep(calls, p.start, p.end);
    const auto weights = ip_layer_weights(p.type, p.weight, p.composition_weight, t.names);
    for (std::int64_t i = 0; i < calls; ++i) {
      for (std::size_t l = 0; l < t.names.size(); ++l) {
        EXPECT_FLOAT_EQ(ip.call_scales()[i][g][l].item<float>(), static_cast<float>(keep[i] * weights[l]));
      }
    }
  }
  // select_call points each group at its row of the table (a view: no new data per call)
  auto groups = ip.groups();
  for (std::int64_t i = 0; i < calls; ++i) {
    ip.select_call(i, groups);
    for (std::size_t g = 0; g < 2; ++g) {
      EXPECT_EQ(groups[g].layer_scales.data_ptr(), ip.call_scales()[i][g].data_ptr());
    }
  }
  // the style group reaches only its block; standard every layer
  EXPECT_EQ(ip.groups()[0].layers.size(), t.names.size());
  EXPECT_TRUE(ip.groups()[1].layers.empty());
}
