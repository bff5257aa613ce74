// core/io: safetensors, torch checkpoints (zip + legacy), configs, state-dict loading, atomic writes.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/io/atomic_write.h"
#include "core/io/image_processor_config.h"
#include "core/io/json_config.h"
#include "core/io/safetensors.h"
#include "core/io/scheduler_config.h"
#include "core/io/state_dict.h"
#include "core/io/tensor_map.h"
#include "core/io/torch_checkpoint.h"
#include "tests/support/expect_error.h"
#include "tests/support/fixtures.h"
#include "tests/support/parity.h"

using namespace poseforge;
using poseforge::test::expect_error;
using poseforge::test::fixture;
using poseforge::test::fixture_json;
using poseforge::test::TempDir;
using poseforge::test::write_bytes;

namespace {

std::string u64le(std::uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

// A safetensors file from a header text and a data blob.
std::string safetensors_bytes(const std::string& header, const std::string& data) {
  return u64le(header.size()) + header + data;
}

// Shapes from body_keys.json's checkpoint_keys.
std::map<std::string, std::vector<std::int64_t>> openpose_shapes() {
  std::map<std::string, std::vector<std::int64_t>> out;
  const auto json = fixture_json("openpose/body_keys.json");
  for (const auto& [k, v] : json.at("checkpoint_keys").items()) {
    out[k] = v.get<std::vector<std::int64_t>>();
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------- safetensors

TEST(Safetensors, ReadsFixtureWithNamesShapesDtypes) {
  io::SafetensorsFile file(fixture("unet/unet/diffusion_pytorch_model.safetensors"));
  EXPECT_GT(file.names().size(), 100u);
  for (const auto& name : file.names()) {
    auto t = file.tensor(name);
    EXPECT_EQ(t.scalar_type(), torch::kFloat16) << name;  // fixture weights are stored as float16
    EXPECT_EQ(t.sizes().vec(), file.entry(name).shape) << name;
  }
  EXPECT_TRUE(file.contains("conv_in.weight"));
  EXPECT_EQ(file.tensor("conv_in.weight").size(1),
            fixture_json("unet/unet/config.json").at("in_channels").get<int64_t>());
}

TEST(Safetensors, TensorsViewTheMappingWithoutCopy) {
  io::SafetensorsFile file(fixture("vae/expected.safetensors"));
  auto a = file.tensor("latents");
  auto b = file.tensor("latents");
  EXPECT_EQ(a.data_ptr(), b.data_ptr());  // both view the same mapped bytes
  EXPECT_EQ(a.scalar_type(), torch::kFloat32);
  // The mapping is copy-on-write: writing into a tensor never changes the file or crashes.
  a.add_(1.0);
  io::SafetensorsFile again(fixture("vae/expected.safetensors"));
  EXPECT_FALSE(torch::equal(a, again.tensor("latents")));
}

TEST(Safetensors, WriterRoundTripsEveryDtype) {
  TempDir dir;
  io::TensorMap in;
  in["f32"] = torch::randn({3, 4});
  in["f16"] = torch::randn({5}).to(torch::kFloat16);
  in["bf16"] = torch::randn({2, 2}).to(torch::kBFloat16);
  in["f64"] = torch::randn({2}, torch::kFloat64);
  in["i64"] = torch::arange(7, torch::kInt64);
  in["i32"] = torch::arange(3, torch::kInt32);
  in["i16"] = torch::arange(3, torch::kInt16);
  in["i8"] = torch::arange(-2, 2, torch::kInt8);
  in["u8"] = torch::arange(9, torch::kUInt8).reshape({3, 3});
  in["bool"] = torch::tensor({true, false, true});
  in["scalar"] = torch::tensor(3.5f);
  in["empty"] = torch::zeros({0, 4});
  in["strided"] = torch::arange(12, torch::kFloat32).reshape({3, 4}).t();  // non-contiguous
  io::write_safetensors(dir / "all.safetensors", in, {{"format", "pt"}});
  io::SafetensorsFile file(dir / "all.safetensors");
  EXPECT_EQ(file.metadata().at("format"), "pt");
  ASSERT_EQ(file.names().size(), in.size());
  for (const auto& [name, t] : in) {
    auto got = file.tensor(name);
    EXPECT_EQ(got.scalar_type(), t.scalar_type()) << name;
    EXPECT_TRUE(torch::equal(got, t)) << name;
  }
}

TEST(Safetensors, WriterIsAtomicAndLeavesNoTempFiles) {
  TempDir dir;
  write_bytes(dir / "w.safetensors", "old contents");
  io::write_safetensors(dir / "w.safetensors", {{"x", torch::ones({2})}});
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
  EXPECT_TRUE(torch::equal(io::SafetensorsFile(dir / "w.safetensors").tensor("x"), torch::ones({2})));
  expect_error([&] { io::write_safetensors(dir / "no" / "such" / "dir.safetensors", {{"x", torch::ones({1})}}); },
               {"no/such", "does not exist"});
}

TEST(Safetensors, UnknownTensorNameIsAnError) {
  io::SafetensorsFile file(fixture("vae/expected.safetensors"));
  expect_error([&] { file.tensor("nope"); }, {"expected.safetensors", "'nope'"});
}

// Ten+ malformed files, each a clear poseforge::Error naming the file and the problem.
TEST(SafetensorsMalformed, EmptyFile) {
  TempDir dir;
  write_bytes(dir / "e.safetensors", "");
  expect_error([&] { io::SafetensorsFile f(dir / "e.safetensors"); }, {"e.safetensors", "empty"});
  expect_error([&] { io::load_tensors(dir / "e.safetensors"); }, {"e.safetensors", "empty"});
}

TEST(SafetensorsMalformed, ShorterThanHeaderLength) {
  TempDir dir;
  write_bytes(dir / "s.safetensors", "abc");
  expect_error([&] { io::SafetensorsFile f(dir / "s.safetensors"); }, {"s.safetensors", "truncated"});
}

TEST(SafetensorsMalformed, HeaderLengthPastEndOfFile) {
  TempDir dir;
  write_bytes(dir / "h.safetensors", u64le(4096) + "{}");
  expect_error([&] { io::SafetensorsFile f(dir / "h.safetensors"); }, {"h.safetensors", "past the end"});
}

TEST(SafetensorsMalformed, HugeHeaderLength) {
  TempDir dir;
  write_bytes(dir / "g.safetensors", u64le(~0ull) + "{}");
  expect_error([&] { io::SafetensorsFile f(dir / "g.safetensors"); }, {"g.safetensors", "100 MB"});
}

TEST(SafetensorsMalformed, BadJson) {
  TempDir dir;
  write_bytes(dir / "j.safetensors", safetensors_bytes("{\"a\": [1, 2", ""));
  expect_error([&] { io::SafetensorsFile f(dir / "j.safetensors"); }, {"j.safetensors", "not valid JSON"});
  write_bytes(dir / "k.safetensors", safetensors_bytes("[1,2]", ""));
  expect_error([&] { io::SafetensorsFile f(dir / "k.safetensors"); }, {"k.safetensors", "JSON object"});
}

TEST(SafetensorsMalformed, UnknownDtype) {
  TempDir dir;
  write_bytes(dir / "d.safetensors",
              safetensors_bytes(R"({"w":{"dtype":"F24","shape":[1],"data_offsets":[0,3]}})", "abc"));
  expect_error([&] { io::SafetensorsFile f(dir / "d.safetensors"); }, {"d.safetensors", "'w'", "unknown dtype 'F24'"});
}

TEST(SafetensorsMalformed, SpanOutsideData) {
  TempDir dir;
  write_bytes(dir / "o.safetensors",
              safetensors_bytes(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", std::string(8, '\0')));
  expect_error([&] { io::SafetensorsFile f(dir / "o.safetensors"); }, {"o.safetensors", "'w'", "past the end"});
}

TEST(SafetensorsMalformed, SpanDoesNotMatchShape) {
  TempDir dir;
  write_bytes(dir / "m.safetensors",
              safetensors_bytes(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", std::string(16, '\0')));
  expect_error([&] { io::SafetensorsFile f(dir / "m.safetensors"); }, {"m.safetensors", "'w'", "needs 12 bytes"});
}

TEST(SafetensorsMalformed, OverlappingSpans) {
  TempDir dir;
  write_bytes(dir / "v.safetensors",
              safetensors_bytes(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                                R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                                std::string(16, '\0')));
  expect_error([&] { io::SafetensorsFile f(dir / "v.safetensors"); }, {"v.safetensors", "'a'", "'b'", "overlap"});
}

TEST(SafetensorsMalformed, NegativeOrBadShapeAndOffsets) {
  TempDir dir;
  write_bytes(dir / "n.safetensors",
              safetensors_bytes(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", std::string(4, '\0')));
  expect_error([&] { io::SafetensorsFile f(dir / "n.safetensors"); }, {"n.safetensors", "'w'", "shape"});
  write_bytes(dir / "r.safetensors",
              safetensors_bytes(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", std::string(4, '\0')));
  expect_error([&] { io::SafetensorsFile f(dir / "r.safetensors"); }, {"r.safetensors", "reversed"});
}

TEST(SafetensorsMalformed, DirectoryInsteadOfFile) {
  TempDir dir;
  std::filesystem::create_directories(dir / "folder.safetensors");
  expect_error([&] { io::SafetensorsFile f(dir / "folder.safetensors"); }, {"folder.safetensors", "directory"});
  expect_error([&] { io::load_tensors(dir / "folder.safetensors"); }, {"folder.safetensors", "directory"});
}

TEST(SafetensorsMalformed, MissingFile) {
  TempDir dir;
  expect_error([&] { io::SafetensorsFile f(dir / "missing.safetensors"); }, {"missing.safetensors", "cannot open"});
  expect_error([&] { io::load_tensors(dir / "missing.safetensors"); }, {"missing.safetensors", "does not exist"});
}

TEST(SafetensorsMalformed, TruncatedRealFile) {
  TempDir dir;
  const auto bytes = test::read_bytes(fixture("vae/expected.safetensors"));
  for (std::size_t cut : {std::size_t{4}, std::size_t{20}, bytes.size() / 2, bytes.size() - 1}) {
    write_bytes(dir / "t.safetensors", bytes.substr(0, cut));
    EXPECT_THROW(io::SafetensorsFile f(dir / "t.safetensors"), Error) << "cut at " << cut;
  }
}

// ---------------------------------------------------------------- torch checkpoints

TEST(TorchCheckpoint, LegacyAndZipSamplesMatchBodyKeys) {
  const auto shapes = openpose_shapes();
  const auto legacy = io::load_torch_checkpoint(fixture("openpose/legacy_sample.pth"));
  const auto zip = io::load_torch_checkpoint(fixture("openpose/zip_sample.pth"));
  ASSERT_FALSE(legacy.empty());
  ASSERT_EQ(legacy.size(), zip.size());
  for (const auto& [name, t] : legacy) {
    ASSERT_TRUE(shapes.count(name)) << name << " is not an OpenPose key";
    EXPECT_EQ(t.sizes().vec(), shapes.at(name)) << name;
    EXPECT_EQ(t.scalar_type(), torch::kFloat32) << name;
    ASSERT_TRUE(zip.count(name)) << name;
    EXPECT_TRUE(torch::equal(t, zip.at(name))) << name << " differs between legacy and zip";
    EXPECT_GT(t.abs().sum().item<double>(), 0.0) << name << " is all zeros";
  }
}

TEST(TorchCheckpoint, IpAdapterBinEqualsSafetensorsTwin) {
  const auto bin = io::load_tensors(fixture("pipeline/ip_adapter/ip-adapter_tiny.bin"));
  const auto st = io::load_tensors(fixture("pipeline/ip_adapter/ip-adapter_tiny.safetensors"));
  ASSERT_EQ(bin.size(), st.size());
  for (const auto& [name, t] : st) {
    ASSERT_TRUE(bin.count(name)) << name << " missing from the .bin (nested dicts must flatten with '.')";
    EXPECT_EQ(bin.at(name).scalar_type(), t.scalar_type()) << name;
    EXPECT_TRUE(torch::equal(bin.at(name), t)) << name;
  }
  EXPECT_EQ(io::sub_map(bin, "image_proj.").size(), io::sub_map(st, "image_proj.").size());
}

namespace {

// A legacy-format file: magic, protocol, sys_info, then `body` as the main pickle.
std::string legacy_file(const std::string& body) {
  const std::string magic = std::string("\x80\x02\x8a\x0a", 4) +
                            std::string("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10) + ".";
  const std::string protocol = std::string("\x80\x02M\xe9\x03.", 6);
  const std::string sys_info = std::string("\x80\x02}.", 4);
  return magic + protocol + sys_info + body;
}

}  // namespace

TEST(TorchCheckpointMalformed, UnknownGlobalIsRefused) {
  TempDir dir;
  // {"x": os.system("echo pwned")}
  write_bytes(dir / "evil.pth", legacy_file(std::string("\x80\x02}X\x01\x00\x00\x00xcos\nsystem\n", 20) +
                                            std::string("X\x0a\x00\x00\x00echo pwned\x85Rs.", 18)));
  expect_error([&] { io::load_torch_checkpoint(dir / "evil.pth"); }, {"evil.pth", "os.system", "refuses"});
}

TEST(TorchCheckpointMalformed, UnsupportedOpcode) {
  TempDir dir;
  // EXT1 (0x82) is not a state-dict opcode.
  write_bytes(dir / "op.pth", legacy_file(std::string("\x80\x02\x82\x01.", 5)));
  expect_error([&] { io::load_torch_checkpoint(dir / "op.pth"); }, {"op.pth", "unsupported opcode 0x82"});
}

TEST(TorchCheckpointMalformed, TruncatedLegacyFile) {
  TempDir dir;
  const auto bytes = test::read_bytes(fixture("openpose/legacy_sample.pth"));
  for (std::size_t cut : {std::size_t{3}, std::size_t{200}, std::size_t{800}, bytes.size() - 10}) {
    write_bytes(dir / "t.pth", bytes.substr(0, cut));
    EXPECT_THROW(io::load_torch_checkpoint(dir / "t.pth"), Error) << "cut at " << cut;
  }
}

TEST(TorchCheckpointMalformed, TruncatedZipFile) {
  TempDir dir;
  const auto bytes = test::read_bytes(fixture("openpose/zip_sample.pth"));
  write_bytes(dir / "z.pth", bytes.substr(0, bytes.size() / 2));
  expect_error([&] { io::load_torch_checkpoint(dir / "z.pth"); }, {"z.pth"});
}

TEST(TorchCheckpointMalformed, NotACheckpoint) {
  TempDir dir;
  write_bytes(dir / "text.pth", "hello, this is not a checkpoint");
  expect_error([&] { io::load_tensors(dir / "text.pth"); }, {"text.pth", "neither"});
  expect_error([&] { io::load_torch_checkpoint(dir / "text.pth"); }, {"text.pth"});
}

TEST(TorchCheckpointMalformed, RootIsNotADict) {
  TempDir dir;
  write_bytes(dir / "list.pth", legacy_file(std::string("\x80\x02]q\x00.", 6) + std::string("\x80\x02].", 4)));
  expect_error([&] { io::load_torch_checkpoint(dir / "list.pth"); }, {"list.pth", "expected a dict"});
}

// ---------------------------------------------------------------- state dict loading

namespace {

struct TinyImpl : torch::nn::Module {
  TinyImpl() {
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 8, 3)));
    norm = register_module("norm", torch::nn::BatchNorm2d(8));
  }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d norm{nullptr};
};
TORCH_MODULE(Tiny);

io::TensorMap tiny_weights() {
  Tiny source;
  io::TensorMap map;
  for (const auto& p : source->named_parameters()) map[p.key()] = (p.value().detach() + 0.5).to(torch::kFloat16);
  for (const auto& b : source->named_buffers()) map[b.key()] = b.value().detach().clone();
  return map;
}

}  // namespace

TEST(StateDict, CopiesByNameConvertingDtype) {
  Tiny model;
  auto weights = tiny_weights();
  const auto report = io::load_state_dict(*model, weights, {true, "tiny.safetensors"});
  EXPECT_TRUE(report.missing.empty());
  EXPECT_TRUE(report.unexpected.empty());
  EXPECT_EQ(report.loaded, weights.size());
  EXPECT_EQ(model->conv->weight.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(torch::equal(model->conv->weight, weights.at("conv.weight").to(torch::kFloat32)));
  EXPECT_TRUE(torch::equal(model->norm->running_var, weights.at("norm.running_var")));
}

TEST(StateDict, ShapeMismatchNamesTensorAndShapes) {
  Tiny model;
  auto weights = tiny_weights();
  weights["conv.weight"] = torch::zeros({8, 3, 1, 1});
  expect_error([&] { io::load_state_dict(*model, weights, {true, "tiny.safetensors"}); },
               {"'conv.weight'", "tiny.safetensors", "file has [8, 3, 1, 1]", "model expects [8, 3, 3, 3]"});
}

TEST(StateDict, MissingAndUnexpectedKeysAreListed) {
  Tiny model;
  auto weights = tiny_weights();
  weights.erase("conv.bias");
  weights["extra.weight"] = torch::zeros({1});
  expect_error([&] { io::load_state_dict(*model, weights, {true, "tiny.safetensors"}); },
               {"tiny.safetensors", "missing key(s): conv.bias", "unexpected key(s): extra.weight"});
  const auto report = io::load_state_dict(*model, weights, {false, "tiny.safetensors"});
  EXPECT_EQ(report.missing, std::vector<std::string>{"conv.bias"});
  EXPECT_EQ(report.unexpected, std::vector<std::string>{"extra.weight"});
}

TEST(StateDict, LoadsFromMappedSafetensorsFile) {
  TempDir dir;
  auto weights = tiny_weights();
  io::write_safetensors(dir / "tiny.safetensors", weights);
  Tiny model;
  io::load_state_dict(*model, io::load_tensors(dir / "tiny.safetensors"));
  EXPECT_TRUE(torch::equal(model->conv->bias, weights.at("conv.bias").to(torch::kFloat32)));
}

// ---------------------------------------------------------------- configs

TEST(Config, ReadsSchedulerConfigOfPipelineFixture) {
  const auto path = fixture("pipeline/scheduler_config.json");
  const auto cfg = io::SchedulerConfig::load(path);
  const auto json = fixture_json("pipeline/scheduler_config.json");
  EXPECT_EQ(cfg.beta_schedule, json.at("beta_schedule").get<std::string>());
  EXPECT_DOUBLE_EQ(cfg.beta_start, json.at("beta_start").get<double>());
  EXPECT_DOUBLE_EQ(cfg.beta_end, json.at("beta_end").get<double>());
  EXPECT_EQ(cfg.num_train_timesteps, json.at("num_train_timesteps").get<int>());
  EXPECT_EQ(cfg.steps_offset, json.at("steps_offset").get<int>());
  EXPECT_EQ(cfg.timestep_spacing, json.at("timestep_spacing").get<std::string>());
  EXPECT_EQ(cfg.prediction_type, json.at("prediction_type").get<std::string>());
  EXPECT_FALSE(cfg.trained_betas.has_value());  // null in the file means absent
}

TEST(Config, SchedulerDefaultsFollowDiffusers) {
  const auto cfg = io::SchedulerConfig::from_json(io::JsonConfig(nlohmann::json::object(), "empty.json"));
  EXPECT_EQ(cfg.num_train_timesteps, 1000);
  EXPECT_EQ(cfg.beta_schedule, "linear");
  EXPECT_EQ(cfg.timestep_spacing, "linspace");
  EXPECT_EQ(cfg.steps_offset, 0);
  EXPECT_EQ(cfg.prediction_type, "epsilon");
  EXPECT_FALSE(cfg.use_karras_sigmas);
}

TEST(Config, SchedulerErrorsNameKeyAndValue) {
  expect_error([] { io::SchedulerConfig::from_json(io::JsonConfig({{"beta_schedule", "cosine"}}, "s.json")); },
               {"s.json", "beta_schedule", "cosine"});
  expect_error([] { io::SchedulerConfig::from_json(io::JsonConfig({{"steps_offset", "one"}}, "s.json")); },
               {"s.json", "steps_offset", "wrong type"});
  expect_error([] { io::SchedulerConfig::from_json(io::JsonConfig({{"timestep_spacing", "sideways"}}, "s.json")); },
               {"s.json", "timestep_spacing", "sideways"});
}

TEST(Config, ReadsPreprocessorConfigOfImageEncoderFixture) {
  const auto json = fixture_json("image_encoder/image_encoder/preprocessor_config.json");
  const auto cfg = io::ImageProcessorConfig::load(fixture("image_encoder/image_encoder/preprocessor_config.json"));
  EXPECT_EQ(cfg.shortest_edge, json.at("size").at("shortest_edge").get<int>());
  EXPECT_EQ(cfg.crop_height, json.at("crop_size").at("height").get<int>());
  EXPECT_EQ(cfg.crop_width, json.at("crop_size").at("width").get<int>());
  EXPECT_EQ(cfg.resample, json.at("resample").get<int>());
  EXPECT_DOUBLE_EQ(cfg.image_mean[0], json.at("image_mean")[0].get<double>());
  EXPECT_DOUBLE_EQ(cfg.image_std[2], json.at("image_std")[2].get<double>());
  // Older files use plain ints for size and crop_size.
  const auto old = io::ImageProcessorConfig::from_json(io::JsonConfig({{"size", 224}, {"crop_size", 224}}, "p.json"));
  EXPECT_EQ(old.shortest_edge, 224);
  EXPECT_EQ(old.crop_width, 224);
}

TEST(Config, JsonConfigErrorsNameFileAndKey) {
  TempDir dir;
  write_bytes(dir / "bad.json", "{ not json");
  expect_error([&] { io::JsonConfig::load(dir / "bad.json"); }, {"bad.json", "not valid JSON"});
  expect_error([&] { io::JsonConfig::load(dir / "absent.json"); }, {"absent.json", "cannot be opened"});
  expect_error([&] { io::JsonConfig::load(dir.path()); }, {"is a directory"});
  io::JsonConfig cfg({{"layers", 3}}, "model/config.json");
  EXPECT_EQ(cfg.get<int>("layers"), 3);
  EXPECT_EQ(cfg.get_or<int>("heads", 8), 8);
  expect_error([&] { cfg.get<int>("heads"); }, {"model/config.json", "missing key 'heads'"});
  expect_error([&] { cfg.get<std::string>("layers"); }, {"model/config.json", "'layers'", "wrong type"});
}

// An integer setting read from a float that is a fraction or past the type's range is an Error naming the key
// and the value (a cast there is undefined behaviour or a silently different number), whatever the accessor.
TEST(Config, JsonConfigRefusesNumbersTheTypeCannotHold) {
  const auto cfg = io::JsonConfig(nlohmann::json::parse(R"({"huge": 1e300, "half": 2.5, "whole": 64.0,
      "big": 4294967296, "max_u64": 18446744073709551615, "minus": -1, "list": [320, 1e300], "nan_like": -1e308,
      "f32_huge": 1e300})"),
                                  "unet/config.json");
  EXPECT_EQ(cfg.get<int>("whole"), 64);
  EXPECT_EQ(cfg.get<std::int64_t>("big"), 4294967296LL);
  EXPECT_EQ(cfg.get<std::uint64_t>("max_u64"), 18446744073709551615ULL);
  EXPECT_EQ(cfg.get<int>("minus"), -1);
  EXPECT_DOUBLE_EQ(cfg.get<double>("huge"), 1e300);
  EXPECT_DOUBLE_EQ(cfg.get<double>("half"), 2.5);
  expect_error([&] { cfg.get<int>("huge"); }, {"unet/config.json", "'huge'", "whole number", "1e+300"});
  expect_error([&] { cfg.get_or<int>("half", 1); }, {"unet/config.json", "'half'", "whole number", "2.5"});
  expect_error([&] { cfg.get_optional<std::int64_t>("nan_like"); }, {"'nan_like'", "-1e+308"});
  expect_error([&] { cfg.get<int>("big"); }, {"'big'", "2147483647", "4294967296"});
  expect_error([&] { cfg.get<std::int64_t>("max_u64"); }, {"'max_u64'", "18446744073709551615"});
  expect_error([&] { cfg.get<std::size_t>("minus"); }, {"'minus'", "-1"});
  expect_error([&] { cfg.get<std::vector<int>>("list"); }, {"'list'", "list", "[320,1e+300]"});
  expect_error([&] { cfg.get<float>("f32_huge"); }, {"'f32_huge'", "32-bit float", "1e+300"});
}

TEST(AtomicWrite, ReplacesContentAndCleansUpOnAbort) {
  TempDir dir;
  io::write_file_atomic(dir / "a.txt", "first");
  io::write_file_atomic(dir / "a.txt", "second");
  EXPECT_EQ(test::read_bytes(dir / "a.txt"), "second");
  {
    io::AtomicWriter writer(dir / "a.txt");
    writer.write("never committed");
  }
  EXPECT_EQ(test::read_bytes(dir / "a.txt"), "second");
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}
