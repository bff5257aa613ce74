// core/vision: CLIP preprocessing, CLIP vision transformer, IP-Adapter loading and image tokens.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <iostream>
#include <set>

#include "core/error.h"
#include "core/io/image.h"
#include "core/io/image_processor_config.h"
#include "core/io/safetensors.h"
#include "core/io/tensor_map.h"
#include "core/vision/bicubic_resample.h"
#include "core/vision/clip_image_processor.h"
#include "core/vision/clip_vision_model.h"
#include "core/vision/image_prompt.h"
#include "core/vision/ip_adapter.h"
#include "tests/support/expect_error.h"
#include "tests/support/fixtures.h"
#include "tests/support/parity.h"

using namespace poseforge;
using poseforge::test::expect_error;
using poseforge::test::fixture;
using poseforge::test::fixture_json;

namespace {

constexpr double kNetworkTolerance = 1e-3;    // fixtures README: networks, relative to max|expected|
constexpr double kPixelTolerance = 1e-5;      // the torchvision path is bit-exact: float rounding only
constexpr double kGreyLevelTolerance = 0.02;  // fixtures README: one grey level (the Pillow path)

const char* kEncoderFolder = "image_encoder/image_encoder";

// Prints the errors (for the report) and checks them.
::testing::AssertionResult close(const std::string& name, const torch::Tensor& actual, const torch::Tensor& expected,
                                 double tolerance) {
  const auto s = test::parity_stats(actual.to(torch::kFloat32), expected);
  std::cout << "  " << name << ": max abs " << s.max_abs << ", rel " << s.rel << "\n";
  return test::check_close(name, actual.to(torch::kFloat32), expected, tolerance);
}

// The image_encoder fixture's inputs: input_0.png, input_1.png, ... as long as they exist.
std::vector<std::string> encoder_inputs(const io::SafetensorsFile& expected) {
  std::vector<std::string> keys;
  for (int k = 0; expected.contains(std::to_string(k) + ".pixel_values"); ++k) keys.push_back(std::to_string(k));
  return keys;
}

io::Image input_image(const std::string& k) {
  return io::read_image_rgb(fixture("image_encoder/input_" + k + ".png"));
}

std::string adapter_path(const std::string& name) {
  return fixture("pipeline/ip_adapter/" + name).string();
}

}  // namespace

// ---- preprocessing --------------------------------------------------------------------------------

TEST(VisionPreprocess, PixelValuesMatchTransformers) {
  const vision::ClipImageProcessor processor(
      io::ImageProcessorConfig::load(fixture(std::string(kEncoderFolder) + "/preprocessor_config.json")));
  io::SafetensorsFile expected(fixture("image_encoder/expected.safetensors"));
  const auto inputs = encoder_inputs(expected);
  ASSERT_FALSE(inputs.empty());
  for (const auto& k : inputs) {
    const auto pixels = processor.preprocess(input_image(k));
    EXPECT_TRUE(close(k + ".pixel_values", pixels, expected.tensor(k + ".pixel_values"), kPixelTolerance));
    EXPECT_TRUE(
        test::check_close_abs(k + ".pixel_values", pixels, expected.tensor(k + ".pixel_values"), kPixelTolerance));
  }
}

TEST(VisionPreprocess, PillowBackendWithinOneGreyLevel) {
  const vision::ClipImageProcessor processor(
      io::ImageProcessorConfig::load(fixture(std::string(kEncoderFolder) + "/preprocessor_config.json")),
      vision::ImageBackend::Pillow);
  io::SafetensorsFile expected(fixture("image_encoder/expected.safetensors"));
  for (const auto& k : encoder_inputs(expected)) {
    EXPECT_TRUE(test::check_close_abs(k + ".pixel_values (Pillow)", processor.preprocess(input_image(k)),
                                      expected.tensor(k + ".pixel_values"), kGreyLevelTolerance));
  }
}

TEST(VisionPreprocess, ResizeSizeTruncatesLikeTransformers) {
  // Hand-checked: int(32 * 83 / 57) = 46, int(224 * 70 / 50) = 313.
  EXPECT_EQ(vision::shortest_edge_size(83, 57, 32), std::make_pair(46, 32));
  EXPECT_EQ(vision::shortest_edge_size(50, 70, 224), std::make_pair(224, 313));
  EXPECT_EQ(vision::shortest_edge_size(40, 40, 32), std::make_pair(32, 32));
}

TEST(VisionPreprocess, CenterCropAndChannels) {
  io::Image grey{3, 1, 1, {10, 20, 30}};
  const auto rgb = vision::to_rgb(grey);
  EXPECT_EQ(rgb.channels, 3);
  EXPECT_EQ(rgb.pixels, (std::vector<std::uint8_t>{10, 10, 10, 20, 20, 20, 30, 30, 30}));
  io::Image rgba{1, 1, 4, {1, 2, 3, 0}};
  EXPECT_EQ(vision::to_rgb(rgba).pixels, (std::vector<std::uint8_t>{1, 2, 3}));
  // 3x1 cropped to 1x3: the middle column, padded by one zero row above and below.
  for (const auto backend : {vision::ImageBackend::Pillow, vision::ImageBackend::Torchvision}) {
    EXPECT_EQ(vision::center_crop(grey, 1, 3, backend).pixels, (std::vector<std::uint8_t>{0, 20, 0}));
  }
  // Odd margins: 1x5 -> 1x2: row 1 (3 // 2) with numpy, row 2 (round(1.5) = 2) with torchvision.
  const io::Image column{1, 5, 1, {1, 2, 3, 4, 5}};
  EXPECT_EQ(vision::center_crop(column, 1, 2, vision::ImageBackend::Pillow).pixels, (std::vector<std::uint8_t>{2, 3}));
  EXPECT_EQ(vision::center_crop(column, 1, 2, vision::ImageBackend::Torchvision).pixels,
            (std::vector<std::uint8_t>{3, 4}));
  // 1x1 -> 1x2: torchvision pads after, numpy before.
  const io::Image dot{1, 1, 1, {9}};
  EXPECT_EQ(vision::center_crop(dot, 1, 2, vision::ImageBackend::Torchvision).pixels,
            (std::vector<std::uint8_t>{9, 0}));
  EXPECT_EQ(vision::center_crop(dot, 1, 2, vision::ImageBackend::Pillow).pixels, (std::vector<std::uint8_t>{0, 9}));
  expect_error([] { vision::to_rgb(io::Image{}); }, {"empty"});
}

// ---- CLIP vision transformer ----------------------------------------------------------------------

TEST(VisionEncoder, MatchesTransformersOnAllInputs) {
  auto model = vision::load_clip_vision_model(fixture(kEncoderFolder));
  const vision::ClipImageProcessor processor(
      io::ImageProcessorConfig::load(fixture(std::string(kEncoderFolder) + "/preprocessor_config.json")));
  io::SafetensorsFile expected(fixture("image_encoder/expected.safetensors"));
  torch::NoGradGuard no_grad;
  for (const auto& k : encoder_inputs(expected)) {
    // From the reference pixel values (the network alone) and from our own preprocessing (end to end).
    for (const bool own_pixels : {false, true}) {
      const auto pixels = own_pixels ? processor.preprocess(input_image(k)) : expected.tensor(k + ".pixel_values");
      const auto out = model->forward(pixels);
      const std::string tag = k + (own_pixels ? " (own pixels)" : "");
      EXPECT_EQ(out.hidden_states.size(), static_cast<std::size_t>(model->config().num_hidden_layers + 1));
      EXPECT_TRUE(
          close(tag + ".image_embeds", out.image_embeds, expected.tensor(k + ".image_embeds"), kNetworkTolerance));
      EXPECT_TRUE(close(tag + ".penultimate_hidden_state", out.penultimate_hidden_state(),
                        expected.tensor(k + ".penultimate_hidden_state"), kNetworkTolerance));
      EXPECT_TRUE(close(tag + ".last_hidden_state", out.last_hidden_state, expected.tensor(k + ".last_hidden_state"),
                        kNetworkTolerance));
    }
  }
}

TEST(VisionEncoder, RunsInFloat64) {
  auto model = vision::load_clip_vision_model(fixture(kEncoderFolder), torch::kCPU, torch::kFloat64);
  io::SafetensorsFile expected(fixture("image_encoder/expected.safetensors"));
  torch::NoGradGuard no_grad;
  const auto out = model->forward(expected.tensor("0.pixel_values"));
  EXPECT_EQ(out.image_embeds.scalar_type(), torch::kFloat64);
  EXPECT_TRUE(
      close("0.image_embeds (float64)", out.image_embeds, expected.tensor("0.image_embeds"), kNetworkTolerance));
}

TEST(VisionEncoder, BadFolderIsAnError) {
  test::TempDir dir;
  expect_error([&] { vision::load_clip_vision_model(dir.path()); }, {"image encoder", "config.json"});
}

// ---- IP-Adapter -----------------------------------------------------------------------------------

namespace {

io::TensorMap adapter_tensors(const std::string& name) {
  return io::load_tensors(adapter_path(name));
}

// Independent reference projections from the raw h94 tensors (float32, plain ops).
torch::Tensor reference_basic(const io::TensorMap& t, const torch::Tensor& embeds /* [B, E] */) {
  const auto w = t.at("image_proj.proj.weight").to(torch::kFloat32);
  const auto d = t.at("image_proj.norm.weight").size(0);
  const auto h =
      torch::addmm(t.at("image_proj.proj.bias").to(torch::kFloat32), embeds, w.t()).view({embeds.size(0), -1, d});
  return torch::layer_norm(h, {d}, t.at("image_proj.norm.weight").to(torch::kFloat32),
                           t.at("image_proj.norm.bias").to(torch::kFloat32));
}

torch::Tensor reference_plus(const io::TensorMap& raw, const torch::Tensor& x_in /* [B, S, E] */) {
  auto p = [&](const std::string& k) { return raw.at("image_proj." + k).to(torch::kFloat32); };
  auto ln = [&](const torch::Tensor& x, const std::string& k) {
    return torch::layer_norm(x, {x.size(-1)}, p(k + ".weight"), p(k + ".bias"));
  };
  const auto x = torch::matmul(x_in, p("proj_in.weight").t()) + p("proj_in.bias");
  auto lat = p("latents").repeat({x.size(0), 1, 1});
  for (int i = 0; raw.count("image_proj.layers." + std::to_string(i) + ".0.to_q.weight"); ++i) {
    const std::string a = "layers." + std::to_string(i) + ".0.";
    const std::string f = "layers." + std::to_string(i) + ".1.";
    const auto feats = ln(x, a + "norm1");
    const auto l = ln(lat, a + "norm2");
    const auto q = torch::matmul(l, p(a + "to_q.weight").t());
    const auto kv = torch::matmul(torch::cat({feats, l}, 1), p(a + "to_kv.weight").t()).chunk(2, -1);
    const int64_t heads = q.size(-1) / 64;
    auto h = [&](const torch::Tensor& t) { return t.view({t.size(0), t.size(1), heads, 64}).transpose(1, 2); };
    const auto scale = 1.0 / std::sqrt(std::sqrt(64.0));  // IP-Adapter's split scale, same product
    const auto w = torch::softmax(torch::matmul(h(q) * scale, (h(kv[0]) * scale).transpose(-1, -2)), -1);
    const auto o = torch::matmul(w, h(kv[1])).transpose(1, 2).reshape({q.size(0), q.size(1), -1});
    lat = torch::matmul(o, p(a + "to_out.weight").t()) + lat;
    auto ff = torch::layer_norm(lat, {lat.size(-1)}, p(f + "0.weight"), p(f + "0.bias"));
    ff = torch::matmul(torch::gelu(torch::matmul(ff, p(f + "1.weight").t())), p(f + "3.weight").t());
    lat = ff + lat;
  }
  const auto out = torch::matmul(lat, p("proj_out.weight").t()) + p("proj_out.bias");
  return ln(out, "norm_out");
}

struct PipelineRun {
  std::string adapter;
  io::Image image;
};

std::vector<PipelineRun> pipeline_runs() {
  std::vector<PipelineRun> out;
  const auto params = fixture_json("pipeline/params.json");
  for (const auto& run : params.at("runs")) {
    out.push_back({run.at("ip_adapter").get<std::string>(),
                   io::read_image_rgb(fixture("pipeline/" + run.at("ip_image").get<std::string>()))});
  }
  return out;
}

std::string expected_file(vision::IpAdapterVariant variant) {
  return variant == vision::IpAdapterVariant::Plus ? "pipeline/expected_plus.safetensors"
                                                   : "pipeline/expected_basic.safetensors";
}

}  // namespace

TEST(VisionIpAdapter, EmbedsAndTokensMatchPipelineRuns) {
  auto encoder = vision::ImagePromptEncoder::load(fixture(kEncoderFolder));
  const auto runs = pipeline_runs();
  std::set<vision::IpAdapterVariant> seen;
  for (const auto& run : runs) {
    const auto adapter = vision::load_ip_adapter(adapter_path(run.adapter));
    seen.insert(adapter.variant());
    io::SafetensorsFile expected(fixture(expected_file(adapter.variant())));
    const auto reference = expected.tensor("ip_image_embeds_cfg");
    const auto embeds = encoder.embeds_cfg({{run.image, 1.0}}, adapter.uses_hidden_states());
    EXPECT_TRUE(close(run.adapter + " ip_image_embeds_cfg", embeds, reference, kNetworkTolerance));

    // Tokens: [2, num_tokens, token_dim], against plain-op projections of the reference embeddings.
    const auto tokens = encoder.image_tokens_cfg({{run.image, 1.0}}, adapter);
    const auto raw = adapter_tensors(run.adapter);
    const auto flat = reference.flatten(0, 1);
    const auto want = adapter.uses_hidden_states() ? reference_plus(raw, flat) : reference_basic(raw, flat);
    EXPECT_EQ(tokens.sizes(), want.sizes());
    EXPECT_TRUE(close(run.adapter + " tokens", tokens, want, kNetworkTolerance));
  }
  EXPECT_EQ(seen.size(), 2u) << "expected a basic and a Plus run in params.json";
}

TEST(VisionIpAdapter, FixtureShapesAndLayerOrder) {
  for (const auto& run : pipeline_runs()) {
    const auto raw = adapter_tensors(run.adapter);
    const auto adapter = vision::load_ip_adapter(adapter_path(run.adapter));
    int layers = 0;
    while (raw.count("ip_adapter." + std::to_string(2 * layers + 1) + ".to_k_ip.weight")) ++layers;
    ASSERT_EQ(adapter.attention_weights().size(), static_cast<std::size_t>(layers));
    for (int i = 0; i < layers; ++i) {
      const std::string n = "ip_adapter." + std::to_string(2 * i + 1);
      EXPECT_TRUE(
          torch::equal(adapter.attention_weights()[i].first, raw.at(n + ".to_k_ip.weight").to(torch::kFloat32)));
      EXPECT_TRUE(
          torch::equal(adapter.attention_weights()[i].second, raw.at(n + ".to_v_ip.weight").to(torch::kFloat32)));
    }
    if (adapter.variant() == vision::IpAdapterVariant::Plus) {
      EXPECT_EQ(adapter.num_tokens(), raw.at("image_proj.latents").size(1));
      EXPECT_EQ(adapter.token_dim(), raw.at("image_proj.proj_out.weight").size(0));
    } else {
      EXPECT_EQ(adapter.token_dim(), raw.at("image_proj.norm.weight").size(0));
      EXPECT_EQ(adapter.num_tokens() * adapter.token_dim(), raw.at("image_proj.proj.weight").size(0));
    }
  }
}

TEST(VisionIpAdapter, BinAndSafetensorsGiveIdenticalTokens) {
  auto encoder = vision::ImagePromptEncoder::load(fixture(kEncoderFolder));
  const auto image = pipeline_runs().at(0).image;
  const auto from_st = vision::load_ip_adapter(adapter_path("ip-adapter_tiny.safetensors"));
  const auto from_bin = vision::load_ip_adapter(adapter_path("ip-adapter_tiny.bin"));
  EXPECT_EQ(from_bin.variant(), from_st.variant());
  EXPECT_TRUE(torch::equal(encoder.image_tokens_cfg({{image, 1.0}}, from_st),
                           encoder.image_tokens_cfg({{image, 1.0}}, from_bin)));
  ASSERT_EQ(from_bin.attention_weights().size(), from_st.attention_weights().size());
  for (std::size_t i = 0; i < from_st.attention_weights().size(); ++i) {
    EXPECT_TRUE(torch::equal(from_bin.attention_weights()[i].first, from_st.attention_weights()[i].first));
    EXPECT_TRUE(torch::equal(from_bin.attention_weights()[i].second, from_st.attention_weights()[i].second));
  }
}

TEST(VisionIpAdapter, SeveralImagesAreAWeightedAverage) {
  auto encoder = vision::ImagePromptEncoder::load(fixture(kEncoderFolder));
  const auto a = input_image("0");
  const auto b = input_image("1");
  for (const bool hidden : {false, true}) {
    const auto single_a = encoder.embeds_cfg({{a, 1.0}}, hidden);
    const auto single_b = encoder.embeds_cfg({{b, 1.0}}, hidden);
    // One image: its weight does not matter, the result is exactly the single-image one.
    EXPECT_TRUE(torch::equal(encoder.embeds_cfg({{a, 2.5}}, hidden), single_a));
    const auto mixed = encoder.embeds_cfg({{a, 1.0}, {b, 3.0}}, hidden);
    EXPECT_TRUE(close("negative", mixed[0], single_a[0], 1e-6));
    EXPECT_TRUE(close("weighted positive", mixed[1], (single_a[1] * 0.25 + single_b[1] * 0.75), 1e-5));
  }
  expect_error([&] { encoder.embeds_cfg({}, false); }, {"no images"});
  expect_error([&] { encoder.embeds_cfg({{a, -1.0}}, false); }, {"weight", "-1"});
  expect_error([&] { encoder.embeds_cfg({{a, 0.0}, {b, 0.0}}, false); }, {"sum to 0"});
  expect_error([&] { encoder.embeds_cfg({{a, 1.0}, {io::Image{}, 1.0}}, false); }, {"image prompt 2", "empty"});
}

TEST(VisionIpAdapter, MalformedFilesGiveClearErrors) {
  const auto basic = adapter_tensors("ip-adapter_tiny.safetensors");
  const auto plus = adapter_tensors("ip-adapter-plus_tiny.safetensors");
  auto without = [](io::TensorMap m, std::initializer_list<std::string> keys) {
    for (const auto& k : keys) EXPECT_EQ(m.erase(k), 1u) << k;
    return m;
  };
  auto with = [](io::TensorMap m, const std::string& key, torch::Tensor value) {
    m[key] = std::move(value);
    return m;
  };
  auto make = [](const io::TensorMap& m) { return vision::make_ip_adapter(m, "bad.safetensors"); };
  const auto k1 = basic.at("ip_adapter.1.to_k_ip.weight");
  // The fixture files' own layer counts: attention layers 1, 3, ..., last; Resampler blocks 0 .. depth - 1.
  int attention_layers = 0;
  while (basic.count("ip_adapter." + std::to_string(2 * attention_layers + 1) + ".to_k_ip.weight")) ++attention_layers;
  ASSERT_GE(attention_layers, 2) << "the layer-numbering errors need two attention layers";
  const std::string last = "ip_adapter." + std::to_string(2 * attention_layers - 1);
  const std::string before_last = "ip_adapter." + std::to_string(2 * attention_layers - 3);
  int depth = 0;
  while (plus.count("image_proj.layers." + std::to_string(depth) + ".0.to_q.weight")) ++depth;
  ASSERT_GE(depth, 1);
  const std::string last_block = "image_proj.layers." + std::to_string(depth - 1);

  // Missing keys and wrong shapes.
  expect_error([&] { make(without(basic, {"image_proj.norm.weight"})); }, {"bad.safetensors", "norm.weight"});
  expect_error([&] { make(without(plus, {last_block + ".0.to_kv.weight"})); },
               {"bad.safetensors", last_block.substr(11) + ".0.to_kv.weight"});
  expect_error([&] { make(with(basic, "image_proj.proj.bias", torch::zeros({7}))); }, {"proj.bias", "[7]"});
  expect_error(
      [&] {
        make(with(plus, last_block + ".1.3.weight", torch::zeros({3, 3})));
      },
      {last_block.substr(11) + ".1.3.weight", "[3, 3]"});
  expect_error(
      [&] {
        make(with(basic, last + ".to_v_ip.weight", torch::zeros({k1.size(0), k1.size(1) + 1})));
      },
      {last + ".to_v_ip.weight", "token width"});
  expect_error(
      [&] {
        make(with(basic, last + ".to_v_ip.weight", torch::zeros({k1.size(0) + 1, k1.size(1)})));
      },
      {last, "differ in shape"});
  // Layer numbering.
  expect_error(
      [&] {
        make(without(basic, {before_last + ".to_k_ip.weight", before_last + ".to_v_ip.weight"}));
      },
      {"numbered 1, 3, 5", "found " + last + " where " + before_last + " was expected"});
  expect_error(
      [&] {
        make(with(without(basic, {"ip_adapter.1.to_k_ip.weight", "ip_adapter.1.to_v_ip.weight"}),
                  "ip_adapter.2.to_k_ip.weight", k1));
      },
      {"numbered 1, 3, 5"});
  expect_error([&] { make(without(basic, {last + ".to_v_ip.weight"})); },
               {"missing key '" + last + ".to_v_ip.weight'"});
  expect_error([&] { make(with(basic, "ip_adapter.x.to_k_ip.weight", k1)); },
               {"unexpected key 'ip_adapter.x.to_k_ip.weight'"});
  expect_error([&] { make(with(basic, "unet.conv.weight", k1)); }, {"unexpected key 'unet.conv.weight'"});
  // Unsupported variants are named.
  const auto t = torch::zeros({4, 4});
  expect_error(
      [&] {
        make(with(with(with(without(basic, {"image_proj.proj.weight", "image_proj.proj.bias"}),
                            "image_proj.proj.0.weight", t),
                       "image_proj.proj.2.weight", t),
                  "image_proj.proj.3.weight", t));
      },
      {"Full face"});
  expect_error(
      [&] {
        make(with(
            with(without(basic, {"image_proj.proj.weight", "image_proj.proj.bias"}), "image_proj.proj.0.weight", t),
            "image_proj.proj.2.weight", t));
      },
      {"FaceID"});
  expect_error([&] { make(with(plus, "image_proj.perceiver_resampler.proj_in.weight", t)); }, {"FaceID Plus"});
  expect_error([&] { make(with(basic, "ip_adapter.1.to_q_lora.down.weight", t)); }, {"FaceID", "LoRA"});
  // Files.
  test::TempDir dir;
  expect_error([&] { vision::load_ip_adapter(dir / "missing.bin"); }, {"missing.bin"});
}

TEST(VisionIpAdapter, EncoderWidthMismatchIsAnError) {
  auto encoder = vision::ImagePromptEncoder::load(fixture(kEncoderFolder));
  auto tensors = adapter_tensors("ip-adapter_tiny.safetensors");
  const auto w = tensors.at("image_proj.proj.weight");
  tensors["image_proj.proj.weight"] = torch::zeros({w.size(0), w.size(1) + 1});
  const auto adapter = vision::make_ip_adapter(tensors, "wide.safetensors");
  expect_error(
      [&] {
        encoder.image_tokens_cfg({{input_image("0"), 1.0}}, adapter);
      },
      {"wide.safetensors", std::to_string(w.size(1) + 1) + "-wide"});
  expect_error([&] { adapter.project(torch::zeros({2, 1, 3})); }, {"wide.safetensors", "[2, 1, 3]"});
}
