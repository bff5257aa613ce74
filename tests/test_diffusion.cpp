// core/diffusion: UNet, ControlNet and VAE parity with the fixtures; IP-Adapter attention; config errors.
#include <algorithm>
#include <cmath>
#include <functional>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/diffusion/attention.h"
#include "core/diffusion/autoencoder_kl.h"
#include "core/diffusion/controlnet.h"
#include "core/diffusion/layers.h"
#include "core/diffusion/model_loading.h"
#include "core/diffusion/unet_2d_condition.h"
#include "core/diffusion/unet_config.h"
#include "core/error.h"
#include "core/io/json_config.h"
#include "core/io/safetensors.h"
#include "tests/support/expect_error.h"
#include "tests/support/fixtures.h"
#include "tests/support/parity.h"

using namespace poseforge;
using poseforge::test::expect_error;
using namespace poseforge::diffusion;
using poseforge::test::fixture;

namespace {

constexpr double kTolerance = 1e-3;  // fixtures README: networks max|a-b| / max|b|

// check_close against a fixture tensor at the networks' tolerance, printing the error either way.
::testing::AssertionResult matches_reference(const std::string& name, const torch::Tensor& actual,
                                             const torch::Tensor& expected) {
  const auto stats = test::parity_stats(actual.to(torch::kFloat32), expected);
  std::cout << "  parity " << name << ": max abs " << stats.max_abs << ", rel " << stats.rel << "\n";
  return test::check_close(name, actual, expected, kTolerance);
}

io::TensorMap unet_expected() {
  return io::SafetensorsFile(fixture("unet/expected.safetensors")).tensors();
}

UNetConditioning unet_conditioning(const io::TensorMap& e) {
  UNetConditioning c;
  c.timestep = e.at("timestep");
  c.encoder_hidden_states = e.at("encoder_hidden_states");
  c.text_embeds = e.at("text_embeds");
  c.time_ids = e.at("time_ids");
  return c;
}

UNet2DConditionModel fixture_unet() {
  return load_unet(fixture("unet/unet"), torch::kCPU, torch::kFloat32);
}

}  // namespace

TEST(UNet, MatchesReference) {
  torch::NoGradGuard no_grad;
  const auto e = unet_expected();
  auto unet = fixture_unet();
  auto out = unet->forward(e.at("sample"), unet_conditioning(e));
  EXPECT_TRUE(matches_reference("unet_out", out, e.at("unet_out")));
}

TEST(UNet, ScalarTimestepForWholeBatch) {
  torch::NoGradGuard no_grad;
  const auto e = unet_expected();
  auto unet = fixture_unet();
  auto cond = unet_conditioning(e);
  cond.timestep = torch::full({}, 500.0);
  auto out = unet->forward(e.at("sample"), cond);
  EXPECT_TRUE(matches_reference("unet_out_t500", out, e.at("unet_out_t500")));
}

TEST(ControlNet, ResidualsAndUNetWithControlMatchReference) {
  torch::NoGradGuard no_grad;
  const auto e = unet_expected();
  auto controlnet = load_controlnet(fixture("unet/controlnet"), torch::kCPU, torch::kFloat32);
  auto cond = unet_conditioning(e);
  auto residuals = controlnet->forward(e.at("sample"), cond, e.at("controlnet_cond"), e.at("conditioning_scale"));
  std::size_t expected_count = 0;
  while (e.count(fmt::format("controlnet_down_{}", expected_count))) ++expected_count;
  ASSERT_EQ(residuals.down.size(), expected_count);
  for (std::size_t i = 0; i < expected_count; ++i) {
    const auto name = fmt::format("controlnet_down_{}", i);
    EXPECT_TRUE(matches_reference(name, residuals.down[i], e.at(name)));
  }
  EXPECT_TRUE(matches_reference("controlnet_mid", residuals.mid, e.at("controlnet_mid")));
  auto unet = fixture_unet();
  auto out = unet->forward(e.at("sample"), cond, &residuals);
  EXPECT_TRUE(matches_reference("unet_out_with_controlnet", out, e.at("unet_out_with_controlnet")));
}

TEST(ControlNet, GuessModeScalesResidualsFromTenthToOne) {
  torch::NoGradGuard no_grad;
  const auto e = unet_expected();
  auto controlnet = load_controlnet(fixture("unet/controlnet"), torch::kCPU, torch::kFloat32);
  const auto cond = unet_conditioning(e);
  const auto one = torch::ones({1});
  const auto plain = controlnet->forward(e.at("sample"), cond, e.at("controlnet_cond"), one);
  const auto guess = controlnet->forward(e.at("sample"), cond, e.at("controlnet_cond"), one, /*guess_mode=*/true);
  const auto n = plain.down.size();
  for (std::size_t i = 0; i < n; ++i) {
    const double scale = std::pow(10.0, -1.0 + static_cast<double>(i) / static_cast<double>(n));
    EXPECT_TRUE(test::check_close(fmt::format("guess down {}", i), guess.down[i], plain.down[i] * scale, 1e-6));
  }
  EXPECT_TRUE(test::check_close("guess mid", guess.mid, plain.mid, 1e-6));
  // conditioning_scale multiplies every residual.
  const auto half = controlnet->forward(e.at("sample"), cond, e.at("controlnet_cond"), torch::full({}, 0.5));
  EXPECT_TRUE(test::check_close("scale 0.5 mid", half.mid, plain.mid * 0.5, 1e-6));
}

namespace {
io::TensorMap vae_expected() {
  return io::SafetensorsFile(fixture("vae/expected.safetensors")).tensors();
}
AutoencoderKL fixture_vae() {
  return load_autoencoder_kl(fixture("vae/vae"), torch::kCPU, torch::kFloat32);
}
}  // namespace

TEST(AutoencoderKL, DecodeMatchesReference) {
  torch::NoGradGuard no_grad;
  const auto e = vae_expected();
  auto vae = fixture_vae();
  EXPECT_TRUE(matches_reference("decoded", vae->decode(e.at("latents")), e.at("decoded")));
}

TEST(AutoencoderKL, EncodeMatchesReference) {
  torch::NoGradGuard no_grad;
  const auto e = vae_expected();
  auto vae = fixture_vae();
  auto posterior = vae->encode(e.at("image"));
  EXPECT_TRUE(matches_reference("posterior_mean", posterior.mean, e.at("posterior_mean")));
  EXPECT_TRUE(matches_reference("posterior_logvar", posterior.logvar, e.at("posterior_logvar")));
}

TEST(AutoencoderKL, ScalingFactorAndUpcastFromConfig) {
  auto vae = fixture_vae();
  const auto json = test::fixture_json("vae/vae/config.json");
  EXPECT_DOUBLE_EQ(vae->config().scaling_factor, json.at("scaling_factor").get<double>());
  EXPECT_EQ(vae->config().force_upcast, json.at("force_upcast").get<bool>());
  const auto expected = json.at("force_upcast").get<bool>() ? torch::kFloat32 : torch::kFloat16;
  EXPECT_EQ(vae_dtype(vae->config(), torch::kFloat16), expected);
  EXPECT_EQ(vae_dtype(vae->config(), torch::kBFloat16), torch::kBFloat16);
  const auto z = torch::randn({1, 4, 2, 2});
  EXPECT_TRUE(test::check_close("scaled", vae->scale_latents(z), z * json.at("scaling_factor").get<double>(), 1e-6));
  EXPECT_TRUE(test::check_close("round trip", vae->unscale_latents(vae->scale_latents(z)), z, 1e-6));
}

TEST(AutoencoderKL, TiledDecodeIsCloseToWholeDecode) {
  torch::NoGradGuard no_grad;
  const auto e = vae_expected();
  auto vae = fixture_vae();
  const auto& latents = e.at("latents");
  // Sizes from the fixture's latent (other fixture sets have other, also non-square, sizes).
  const auto size = std::max(latents.size(2), latents.size(3));
  ASSERT_GE(size, 4) << "the latent is too small to tile";
  const auto half = (size + 1) / 2, quarter = std::max<std::int64_t>(size / 4, 1);
  const auto whole = vae->decode(latents);
  // One tile covering everything: the plain decode.
  EXPECT_TRUE(test::check_close_abs("single tile", vae->decode_tiled(latents, {size, quarter, 0}), whole, 0.0));
  // Half-size tiles whose context reaches the whole latent: every tile's crop is exact, so this checks the tile
  // placement, cropping and seam blending to float rounding.
  auto bookkeeping = vae->decode_tiled(latents, {half, quarter, size});
  EXPECT_TRUE(test::check_close("tiles with full context", bookkeeping, whole, 1e-5));
  // Really tiled: each decode sees (tile + 2 * context) of the latent, so GroupNorm and the mid-block
  // attention see part of the picture. On the fixture (random weights, a noise latent, a receptive field larger
  // than the tile) that costs a few percent on average; context and overlap must make it smaller than plain tiling.
  const TileOptions tiles{half, quarter, quarter};
  auto tiled = vae->decode_tiled(latents, tiles);
  auto plain = vae->decode_tiled(latents, {half, 0, 0});
  ASSERT_EQ(tiled.sizes(), whole.sizes());
  const double ref = whole.abs().max().item<double>();
  const double tiled_mean = (tiled - whole).abs().mean().item<double>() / ref;
  const double plain_mean = (plain - whole).abs().mean().item<double>() / ref;
  std::cout << "tiled decode vs whole (mean |a-b| / max|b|): blended with context " << tiled_mean << ", plain tiles "
            << plain_mean << "\n";
  EXPECT_LT(tiled_mean, 0.03);
  EXPECT_LT(tiled_mean, 0.5 * plain_mean);
}

namespace {

// Random IP-Adapter weights for every cross-attention layer of `unet`, image-token dim `dim`.
std::vector<std::pair<torch::Tensor, torch::Tensor>> random_ip_layers(UNet2DConditionModel& unet, std::int64_t dim) {
  std::vector<std::pair<torch::Tensor, torch::Tensor>> layers;
  for (const auto& [name, layer] : unet->cross_attention_layers()) {
    const auto inner = layer->named_parameters()["to_k.weight"].size(0);
    layers.emplace_back(torch::randn({inner, dim}) * 0.2, torch::randn({inner, dim}) * 0.2);
  }
  return layers;
}

struct IPCase {
  io::TensorMap e = unet_expected();
  UNet2DConditionModel unet = fixture_unet();
  UNetConditioning cond = unet_conditioning(e);
  torch::Tensor baseline;  // no adapter
  IPCase() {
    torch::manual_seed(0);
    baseline = unet->forward(e.at("sample"), cond);
    const auto ctx = cond.encoder_hidden_states;
    cond.image_tokens = torch::randn({ctx.size(0), 4, ctx.size(2)});
  }
  torch::Tensor run() { return unet->forward(e.at("sample"), cond); }
};

}  // namespace

TEST(IPAdapter, LayerOrderAndCountMatchH94File) {
  auto unet = fixture_unet();
  const auto& layers = unet->cross_attention_layers();
  // h94 numbers processors 1, 3, 5, ... (attn2 of each transformer block): as many as our layers.
  io::SafetensorsFile h94(fixture("pipeline/ip_adapter/ip-adapter_tiny.safetensors"));
  std::size_t ip_layers = 0;
  for (const auto& name : h94.names()) ip_layers += name.find(".to_k_ip.weight") != std::string::npos;
  EXPECT_EQ(layers.size(), ip_layers);
  // attn_processors order: down blocks, then up blocks, then the mid block.
  int phase = 0;
  for (const auto& [name, layer] : layers) {
    const int p = name.rfind("down_blocks", 0) == 0 ? 0 : name.rfind("up_blocks", 0) == 0 ? 1 : 2;
    EXPECT_GE(p, phase) << name;
    phase = p;
    EXPECT_EQ(name.substr(name.size() - 6), ".attn2");
  }
  EXPECT_EQ(layers.back().first.rfind("mid_block", 0), 0u);
}

TEST(IPAdapter, ScaleZeroEqualsNoAdapterAndClearRestores) {
  torch::NoGradGuard no_grad;
  IPCase t;
  const auto params_before = t.unet->parameters().size();
  t.unet->set_ip_adapter(random_ip_layers(t.unet, t.cond.image_tokens.size(2)));
  EXPECT_TRUE(t.unet->has_ip_adapter());
  auto with_ip = t.run();
  EXPECT_GT((with_ip - t.baseline).abs().max().item<double>(), 1e-3) << "the adapter must change the output";
  t.unet->set_ip_adapter_scale(torch::zeros({}));
  EXPECT_TRUE(test::check_close_abs("scale 0", t.run(), t.baseline, 0.0));
  // Without image tokens the adapter is skipped.
  t.unet->set_ip_adapter_scale(torch::ones({1}));
  auto cond = t.cond;
  cond.image_tokens = torch::Tensor();
  EXPECT_TRUE(test::check_close_abs("no tokens", t.unet->forward(t.e.at("sample"), cond), t.baseline, 0.0));
  t.unet->clear_ip_adapter();
  EXPECT_FALSE(t.unet->has_ip_adapter());
  EXPECT_EQ(t.unet->parameters().size(), params_before);
  EXPECT_TRUE(test::check_close_abs("cleared", t.run(), t.baseline, 0.0));
}

TEST(IPAdapter, PerBlockScales) {
  torch::NoGradGuard no_grad;
  IPCase t;
  t.unet->set_ip_adapter(random_ip_layers(t.unet, t.cond.image_tokens.size(2)));
  const auto all = t.run();
  // Style only (InstantStyle): zero everywhere, then the up blocks back to 1.
  t.unet->set_ip_adapter_scale(torch::zeros({}));
  const auto up = t.unet->set_ip_adapter_scale(torch::ones({}), "up_blocks");
  std::size_t expected_up = 0;
  for (const auto& [name, layer] : t.unet->cross_attention_layers()) {
    const bool is_up = name.rfind("up_blocks", 0) == 0;
    expected_up += is_up;
    EXPECT_EQ(layer->ip_adapter()->scale().item<double>(), is_up ? 1.0 : 0.0) << name;
  }
  EXPECT_EQ(up, expected_up);
  const auto style = t.run();
  EXPECT_GT((style - t.baseline).abs().max().item<double>(), 1e-4);
  EXPECT_GT((style - all).abs().max().item<double>(), 1e-4);
  expect_error([&] { t.unet->set_ip_adapter_scale(torch::ones({}), "no_such_block"); }, {"no_such_block"});
  expect_error([&] { t.unet->set_ip_adapter_scale(torch::ones({}), "up_block"); }, {"up_block"});  // segments only
  // One attention of one block (InstantStyle names layers this way).
  const auto& layers = t.unet->cross_attention_layers();
  const auto first_up =
      std::find_if(layers.begin(), layers.end(), [](const auto& l) { return l.first.rfind("up_blocks", 0) == 0; });
  ASSERT_NE(first_up, layers.end());
  const auto attention = first_up->first.substr(0, first_up->first.find(".transformer_blocks"));
  EXPECT_GE(t.unet->set_ip_adapter_scale(torch::full({}, 0.5), attention), 1u);
  EXPECT_EQ(first_up->second->ip_adapter()->scale().item<double>(), 0.5);
}

TEST(IPAdapter, DecoupledAttentionByHand) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(3);
  // One layer: 2 heads of dim 2, query dim 3, text dim 5, image-token dim 6.
  const std::int64_t heads = 2, dim_head = 2, query_dim = 3, text_dim = 5, ip_dim = 6, inner = heads * dim_head;
  Attention attn(AttentionOptions{query_dim, text_dim, heads, dim_head});
  init_random(*attn);
  const auto kip = torch::randn({inner, ip_dim}), vip = torch::randn({inner, ip_dim});
  attn->set_ip_adapter(kip, vip, "test");
  const double scale = 0.7;
  attn->ip_adapter()->set_scale(torch::full({1}, scale));
  const auto x = torch::randn({1, 4, query_dim}), text = torch::randn({1, 3, text_dim}),
             ip = torch::randn({1, 2, ip_dim});
  const auto out = attn->forward(x, text, ip);

  auto p = attn->named_parameters();
  auto project = [](const torch::Tensor& in, const torch::Tensor& w) { return torch::matmul(in[0], w.t()); };
  const auto q = project(x, p["to_q.weight"]);
  const auto k = project(text, p["to_k.weight"]), v = project(text, p["to_v.weight"]);
  const auto ki = project(ip, kip), vi = project(ip, vip);
  // Per query row and head: softmax over keys written out with exp and sums.
  auto attend = [&](const torch::Tensor& keys, const torch::Tensor& values, std::int64_t row, std::int64_t h) {
    std::vector<double> weights;
    double total = 0;
    for (std::int64_t j = 0; j < keys.size(0); ++j) {
      double dot = 0;
      for (std::int64_t d = 0; d < dim_head; ++d) {
        dot += q[row][h * dim_head + d].item<double>() * keys[j][h * dim_head + d].item<double>();
      }
      weights.push_back(std::exp(dot / std::sqrt(static_cast<double>(dim_head))));
      total += weights.back();
    }
    std::vector<double> result(dim_head, 0.0);
    for (std::int64_t j = 0; j < keys.size(0); ++j) {
      for (std::int64_t d = 0; d < dim_head; ++d)
        result[d] += weights[j] / total * values[j][h * dim_head + d].item<double>();
    }
    return result;
  };
  auto mixed = torch::zeros({4, inner}, torch::kFloat64);
  for (std::int64_t row = 0; row < 4; ++row) {
    for (std::int64_t h = 0; h < heads; ++h) {
      const auto a = attend(k, v, row, h), b = attend(ki, vi, row, h);
      for (std::int64_t d = 0; d < dim_head; ++d) mixed[row][h * dim_head + d] = a[d] + scale * b[d];
    }
  }
  const auto expected =
      (torch::matmul(mixed, p["to_out.0.weight"].to(torch::kFloat64).t()) + p["to_out.0.bias"].to(torch::kFloat64))
          .unsqueeze(0);
  EXPECT_TRUE(test::check_close("ip attention", out.to(torch::kFloat64), expected, 1e-5));
}

TEST(IPAdapter, BadLayerCountOrShapeIsAnError) {
  auto unet = fixture_unet();
  auto layers = random_ip_layers(unet, 8);
  const auto n = layers.size();
  layers.pop_back();
  expect_error([&] { unet->set_ip_adapter(layers); }, {std::to_string(n - 1), std::to_string(n)});
  layers = random_ip_layers(unet, 8);
  layers[2].first = torch::zeros({3, 8});
  expect_error([&] { unet->set_ip_adapter(layers); }, {"[3, 8]", unet->cross_attention_layers()[2].first});
  EXPECT_FALSE(unet->has_ip_adapter());
  expect_error([&] { unet->set_ip_adapter_scale(torch::ones({})); }, {"no IP-Adapter"});
}

namespace {

// A copy of a fixture model folder with config.json edited by `edit` (weights linked, not copied).
std::filesystem::path edited_model(const test::TempDir& dir, const std::string& model,
                                   const std::function<void(nlohmann::json&)>& edit) {
  auto json = test::fixture_json(model + "/config.json");
  edit(json);
  test::write_bytes(dir / "config.json", json.dump(2));
  std::filesystem::create_symlink(fixture(model + "/diffusion_pytorch_model.safetensors"),
                                  dir / "diffusion_pytorch_model.safetensors");
  return dir.path();
}

}  // namespace

TEST(DiffusionConfig, LegacyAttentionHeadDimMeansHeads) {
  const auto config = UNetConfig::from_json(io::JsonConfig::load(fixture("unet/unet/config.json")));
  const auto json = test::fixture_json("unet/unet/config.json");
  ASSERT_TRUE(json.at("num_attention_heads").is_null());
  EXPECT_EQ(config.num_attention_heads, json.at("attention_head_dim").get<std::vector<std::int64_t>>());
  auto reversed = json.at("transformer_layers_per_block").get<std::vector<std::int64_t>>();
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_EQ(config.reverse_transformer_layers_per_block, reversed);
}

TEST(DiffusionConfig, UnknownBlockTypesAreErrorsNamingThem) {
  test::TempDir dir;
  auto folder =
      edited_model(dir, "unet/unet", [](auto& j) { j["down_block_types"][1] = "SimpleCrossAttnDownBlock2D"; });
  expect_error([&] { load_unet(folder, torch::kCPU, torch::kFloat32); }, {"SimpleCrossAttnDownBlock2D", "down block"});
  test::TempDir dir2;
  folder = edited_model(dir2, "unet/unet", [](auto& j) { j["up_block_types"][0] = "AttnUpBlock2D"; });
  expect_error([&] { load_unet(folder, torch::kCPU, torch::kFloat32); }, {"AttnUpBlock2D"});
  test::TempDir dir3;
  folder = edited_model(dir3, "unet/unet", [](auto& j) { j["mid_block_type"] = "UNetMidBlock2DSimpleCrossAttn"; });
  expect_error([&] { load_unet(folder, torch::kCPU, torch::kFloat32); }, {"UNetMidBlock2DSimpleCrossAttn"});
  test::TempDir dir4;
  folder = edited_model(dir4, "vae/vae", [](auto& j) { j["up_block_types"][0] = "AttnUpDecoderBlock2D"; });
  expect_error([&] { load_autoencoder_kl(folder, torch::kCPU, torch::kFloat32); },
               {"AttnUpDecoderBlock2D", "config.json"});
}

TEST(DiffusionConfig, UnsupportedOrInconsistentValuesAreErrors) {
  test::TempDir dir;
  auto folder = edited_model(dir, "unet/unet", [](auto& j) { j["class_embed_type"] = "timestep"; });
  expect_error([&] { load_unet(folder, torch::kCPU, torch::kFloat32); }, {"class_embed_type", "config.json"});
  test::TempDir dir2;
  folder = edited_model(dir2, "unet/unet", [](auto& j) { j["transformer_layers_per_block"] = {1, 2}; });
  expect_error([&] { load_unet(folder, torch::kCPU, torch::kFloat32); }, {"transformer_layers_per_block", "2 entries"});
  test::TempDir dir3;
  folder = edited_model(dir3, "unet/unet", [](auto& j) { j["addition_embed_type"] = "text_image"; });
  expect_error([&] { load_unet(folder, torch::kCPU, torch::kFloat32); }, {"addition_embed_type", "text_image"});
  test::TempDir dir4;
  folder = edited_model(dir4, "unet/controlnet", [](auto& j) { j["controlnet_conditioning_channel_order"] = "gbr"; });
  expect_error([&] { load_controlnet(folder, torch::kCPU, torch::kFloat32); },
               {"controlnet_conditioning_channel_order"});
}

TEST(DiffusionConfig, ShapeMismatchedWeightsAreErrorsNamingTheTensor) {
  test::TempDir dir;
  // Each edit moves the fixture's own value, so it differs from what the weights were made with.
  auto folder = edited_model(
      dir, "unet/unet", [](auto& j) { j["cross_attention_dim"] = 2 * j["cross_attention_dim"].template get<int>(); });
  expect_error([&] { load_unet(folder, torch::kCPU, torch::kFloat32); }, {"attn2.to_k.weight", "loading UNet"});
  test::TempDir dir2;
  folder = edited_model(dir2, "unet/controlnet", [](auto& j) {
    auto& channels = j["conditioning_embedding_out_channels"];
    channels[1] = 2 * channels[1].template get<int>();
  });
  expect_error([&] { load_controlnet(folder, torch::kCPU, torch::kFloat32); }, {"controlnet_cond_embedding"});
  test::TempDir dir3;
  folder = edited_model(dir3, "vae/vae",
                        [](auto& j) { j["latent_channels"] = 2 * j["latent_channels"].template get<int>(); });
  expect_error([&] { load_autoencoder_kl(folder, torch::kCPU, torch::kFloat32); }, {"loading VAE"});
}

TEST(DiffusionConfig, BadInputShapesAreErrors) {
  torch::NoGradGuard no_grad;
  const auto e = unet_expected();
  auto unet = fixture_unet();
  auto cond = unet_conditioning(e);
  cond.timestep = torch::zeros({3});
  expect_error([&] { unet->forward(e.at("sample"), cond); }, {"timestep", "[3]"});
  cond = unet_conditioning(e);
  cond.time_ids = e.at("time_ids").narrow(1, 0, 5);
  expect_error([&] { unet->forward(e.at("sample"), cond); }, {"time_ids", "text_time"});
  cond = unet_conditioning(e);
  ControlNetResiduals residuals{{e.at("controlnet_down_0")}, {}};
  expect_error([&] { unet->forward(e.at("sample"), cond, &residuals); }, {"ControlNet down residuals"});
}

TEST(UNet, ChannelsLastGivesTheSameResult) {
  torch::NoGradGuard no_grad;
  const auto e = unet_expected();
  auto unet = fixture_unet();
  use_channels_last(*unet);
  auto out = unet->forward(e.at("sample").contiguous(torch::MemoryFormat::ChannelsLast), unet_conditioning(e));
  EXPECT_TRUE(matches_reference("unet_out channels-last", out, e.at("unet_out")));
}

TEST(UNet, MaterializedRandomModelRuns) {
  torch::NoGradGuard no_grad;
  const auto e = unet_expected();
  UNet2DConditionModel unet(UNetConfig::from_json(io::JsonConfig::load(fixture("unet/unet/config.json"))));
  materialize(*unet, torch::kCPU, torch::kFloat32);
  init_random(*unet);
  for (const auto& p : unet->named_parameters()) {
    ASSERT_TRUE(torch::isfinite(p.value()).all().item<bool>()) << p.key();
  }
  const auto w = unet->named_parameters()["conv_in.weight"];
  const double bound = 1.0 / std::sqrt(static_cast<double>(w.numel() / w.size(0)));
  EXPECT_LE(w.abs().max().item<double>(), bound);
  EXPECT_GT(w.std().item<double>(), 0.1 * bound);
  auto out = unet->forward(e.at("sample"), unet_conditioning(e));
  EXPECT_EQ(out.sizes(), e.at("unet_out").sizes());
  EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
}

namespace {

// bfloat16 on the CPU, checked against float32 maths on the same bfloat16-rounded weights and inputs: what is
// left is the rounding of activations, and that depends on the CPU's kernels (oneDNN's AVX512-BF16/AMX dot
// products accumulate in float32; CPUs without them, e.g. AMD EPYC, take ATen's own kernels: measured rel 9.4e-2
// there against the unrounded float32 reference, 1.0e-1 here with oneDNN switched off). So the bound is derived,
// not measured on one machine: bfloat16's unit roundoff u = 2^-8 per operation, adding up like a random walk over
// the model's N weight layers (sqrt(N) u), with a factor 4 of head room for the activations. A wrong dtype path (a
// layer on uncast weights, in the wrong precision) gives O(1) errors and fails it.
void check_bf16_unet() {
  torch::NoGradGuard no_grad;
  const auto e = unet_expected();
  auto unet = load_unet(fixture("unet/unet"), torch::kCPU, torch::kBFloat16);
  const auto cond = unet_conditioning(e);
  auto out = unet->forward(e.at("sample"), cond);
  EXPECT_EQ(out.scalar_type(), torch::kBFloat16);

  auto rounded = load_unet(fixture("unet/unet"), torch::kCPU, torch::kBFloat16);
  rounded->to(torch::kFloat32);
  const auto bf16 = [](const torch::Tensor& t) { return t.to(torch::kBFloat16).to(torch::kFloat32); };
  UNetConditioning rounded_cond = cond;
  rounded_cond.encoder_hidden_states = bf16(cond.encoder_hidden_states);
  rounded_cond.text_embeds = bf16(cond.text_embeds);
  auto reference = rounded->forward(bf16(e.at("sample")), rounded_cond);
  ASSERT_EQ(reference.scalar_type(), torch::kFloat32);

  std::int64_t layers = 0;
  for (const auto& p : unet->named_parameters())
    if (p.value().dim() >= 2) ++layers;
  const double walk = std::sqrt(static_cast<double>(layers)) * std::ldexp(1.0, -8);
  EXPECT_TRUE(test::check_close("unet_out bf16 vs float32 on the same rounded weights", out.to(torch::kFloat32),
                                reference, 4.0 * walk));
  // The rounding of the weights alone (float32 maths, the same on any CPU).
  EXPECT_TRUE(test::check_close("unet_out on bf16-rounded weights", reference, e.at("unet_out"), walk));
}

}  // namespace

TEST(UNet, BFloat16IsCloseToFloat32) {
  check_bf16_unet();
}

TEST(UNet, BFloat16IsCloseToFloat32WithoutOneDnnKernels) {
  test::WithoutOneDnn plain_kernels;
  check_bf16_unet();
}
