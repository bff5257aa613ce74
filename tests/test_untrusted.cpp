// Untrusted inputs stay contained: a malicious-pickle corpus (written here opcode by opcode) is refused
// without running anything, image files and base64 images are size-checked before decoding, and a few
// hundred seeded mutations of a request file are all answered with an Error (or run), never a crash.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <caffe2/serialize/inline_container.h>

#include <cmath>
#include <limits>
#include <random>

#include <nlohmann/json.hpp>

#include "core/io/image.h"
#include "core/io/image_limits.h"
#include "core/io/json_text.h"
#include "core/io/png_io.h"
#include "core/io/torch_checkpoint.h"
#include "core/pipeline/base64.h"
#include "core/pipeline/request.h"
#include "core/pipeline/request_inputs.h"
#include "core/pose/pose_json.h"
#include "tests/support/cli_run.h"
#include "tests/support/expect_error.h"
#include "tests/support/fixtures.h"

namespace fs = std::filesystem;
using namespace poseforge;
using test::expect_error;
using test::TempDir;

namespace {

// ---- pickle bytes, opcode by opcode -------------------------------------------------------------

std::string le(std::uint64_t v, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return out;
}

struct Pickle {
  std::string b = std::string("\x80\x02", 2);  // PROTO 2
  Pickle& raw(const std::string& bytes) { return b += bytes, *this; }
  Pickle& op(char c) { return b.push_back(c), *this; }
  Pickle& global(const std::string& module, const std::string& name) { return raw("c" + module + "\n" + name + "\n"); }
  Pickle& str(const std::string& s) { return raw("X" + le(s.size(), 4) + s); }
  Pickle& short_str(const std::string& s) { return raw("\x8c" + le(s.size(), 1) + s); }
  Pickle& stack_global(const std::string& module, const std::string& name) {
    short_str(module), short_str(name);
    return op('\x93');
  }
  Pickle& integer(std::int64_t v) { return raw("\x8a\x08" + le(static_cast<std::uint64_t>(v), 8)); }  // LONG1
  Pickle& mark() { return op('('); }
  Pickle& tuple() { return op('t'); }
  Pickle& tuple1() { return op('\x85'); }
  Pickle& reduce() { return op('R'); }
  Pickle& dict() { return op('}'); }
  Pickle& setitem() { return op('s'); }
  Pickle& stop() { return op('.'); }
  // {"weight": <value pushed by `value`>} as a state dict.
  template <typename Fn>
  Pickle& state_dict_with(Fn&& value) {
    dict(), str("weight");
    value(*this);
    return setitem().stop();
  }
};

// A legacy (pre-1.6) torch.save file: magic number, protocol 1001, sys_info, then `body`.
std::string legacy_file(const std::string& body) {
  const std::string magic =
      std::string("\x80\x02\x8a\x0a", 4) + std::string("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10) + ".";
  return magic + std::string("\x80\x02M\xe9\x03.", 6) + std::string("\x80\x02}.", 4) + body;
}

// A zip torch.save file (as torch >= 1.6 writes them) whose data.pkl is `pickle`.
void write_zip_checkpoint(const fs::path& path, const std::string& pickle,
                          const std::vector<std::pair<std::string, std::string>>& records = {}) {
  caffe2::serialize::PyTorchStreamWriter writer(path.string());
  writer.writeRecord("data.pkl", pickle.data(), pickle.size());
  for (const auto& [name, bytes] : records) writer.writeRecord(name, bytes.data(), bytes.size());
  const std::string version = "3\n";
  writer.writeRecord("version", version.data(), version.size());
  writer.writeEndOfFile();
}

struct MaliciousCase {
  std::string name;
  std::string pickle;
  std::vector<std::string> expected;  // fragments of the refusal
};

// Each payload would create `canary` if anything ran it.
std::vector<MaliciousCase> malicious_corpus(const fs::path& canary) {
  const std::string touch = "touch " + canary.string();
  std::vector<MaliciousCase> c;
  c.push_back({"os.system via GLOBAL + REDUCE",
               Pickle().state_dict_with([&](Pickle& p) { p.global("os", "system").str(touch).tuple1().reduce(); }).b,
               {"os.system", "refuses"}});
  c.push_back({"posix.system (how os.system pickles on Linux)",
               Pickle().state_dict_with([&](Pickle& p) { p.global("posix", "system").str(touch).tuple1().reduce(); }).b,
               {"posix.system"}});
  c.push_back(
      {"builtins.eval via STACK_GLOBAL",
       Pickle()
           .state_dict_with([&](Pickle& p) {
             p.stack_global("builtins", "eval").str("__import__('os').system('" + touch + "')").tuple1().reduce();
           })
           .b,
       {"builtins.eval"}});
  c.push_back(
      {"builtins.exec via GLOBAL",
       Pickle()
           .state_dict_with([&](Pickle& p) { p.global("builtins", "exec").str("open('x','w')").tuple1().reduce(); })
           .b,
       {"builtins.exec"}});
  c.push_back(
      {"subprocess.Popen via NEWOBJ",
       Pickle()
           .state_dict_with([&](Pickle& p) {
             p.global("subprocess", "Popen").mark().str("touch").str(canary.string()).op('l').tuple1().op('\x81');
           })
           .b,
       {"subprocess.Popen"}});
  c.push_back(
      {"builtins.getattr reaching through an allowed global",
       Pickle()
           .state_dict_with([&](Pickle& p) {
             p.global("builtins", "getattr").global("collections", "OrderedDict").str("__init__").op('\x86').reduce();
           })
           .b,
       {"builtins.getattr"}});
  c.push_back({"torch.storage._load_from_bytes (a pickle inside the pickle)",
               Pickle()
                   .state_dict_with([&](Pickle& p) {
                     p.global("torch.storage", "_load_from_bytes")
                         .raw(
                             "C\x04"
                             "evil")
                         .tuple1()
                         .reduce();
                   })
                   .b,
               {"torch.storage._load_from_bytes"}});
  c.push_back({"torch._utils._rebuild_device_tensor_from_numpy",
               Pickle()
                   .state_dict_with([&](Pickle& p) {
                     p.global("torch._utils", "_rebuild_device_tensor_from_numpy").mark().tuple().reduce();
                   })
                   .b,
               {"torch._utils._rebuild_device_tensor_from_numpy"}});
  c.push_back({"torch._utils._rebuild_tensor_v2 given os.system as its storage (nested GLOBAL)",
               Pickle()
                   .state_dict_with([&](Pickle& p) {
                     p.global("torch._utils", "_rebuild_tensor_v2").mark();
                     p.global("os", "system").integer(0).mark().integer(1).tuple().mark().integer(1).tuple().tuple();
                     p.reduce();
                   })
                   .b,
               {"os.system"}});
  c.push_back({"torch._tensor._rebuild_from_type_v2 calling eval (nested STACK_GLOBAL)",
               Pickle()
                   .state_dict_with([&](Pickle& p) {
                     p.global("torch._tensor", "_rebuild_from_type_v2").mark();
                     p.stack_global("builtins", "eval").global("torch", "Tensor");
                     p.mark().str("1+1").tuple().dict().tuple().reduce();
                   })
                   .b,
               {"builtins.eval"}});
  c.push_back({"an allowed module with a dotted name (Python would getattr its way to __globals__)",
               Pickle()
                   .state_dict_with([&](Pickle& p) {
                     p.stack_global("torch._utils", "_rebuild_tensor_v2.__globals__").str("os").tuple1().reduce();
                   })
                   .b,
               {"torch._utils._rebuild_tensor_v2.__globals__"}});
  c.push_back({"a module name with a NUL byte",
               Pickle()
                   .state_dict_with([&](Pickle& p) {
                     p.stack_global(std::string("collections\0os", 14), "OrderedDict").mark().tuple().reduce();
                   })
                   .b,
               {"refuses"}});
  c.push_back({"INST (protocol 0 call opcode)",
               Pickle().state_dict_with([&](Pickle& p) { p.mark().str(touch).raw("ios\nsystem\n"); }).b,
               {"unsupported opcode 0x69"}});
  c.push_back({"OBJ (protocol 1 call opcode)",
               Pickle().state_dict_with([&](Pickle& p) { p.mark().global("os", "system").str(touch).op('o'); }).b,
               {"os.system"}});
  c.push_back({"EXT1 (a global from the copyreg extension registry)",
               Pickle().state_dict_with([&](Pickle& p) { p.raw("\x82\x01").str(touch).tuple1().reduce(); }).b,
               {"unsupported opcode 0x82"}});
  c.push_back({"PERSID (a text persistent id)",
               Pickle().state_dict_with([&](Pickle& p) { p.raw("Pos.system\n"); }).b,
               {"unsupported opcode 0x50"}});
  return c;
}

}  // namespace

TEST(MaliciousPickles, EveryGlobalOutsideTheAllowListIsRefusedAndNothingRuns) {
  TempDir dir;
  const fs::path canary = dir / "canary";
  const auto corpus = malicious_corpus(canary);
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    const auto& c = corpus[i];
    SCOPED_TRACE(c.name);
    // In a legacy file and in a zip file's data.pkl (the CVE-2025-32434 shape: a .pt whose data.pkl
    // reduces a dangerous global).
    const fs::path legacy = dir / ("legacy_" + std::to_string(i) + ".pth");
    test::write_bytes(legacy, legacy_file(c.pickle));
    for (const auto& f : c.expected)
      expect_error([&] { io::load_torch_checkpoint(legacy); }, {f, legacy.filename().string()});
    const fs::path zip = dir / ("zip_" + std::to_string(i) + ".pt");
    write_zip_checkpoint(zip, c.pickle);
    for (const auto& f : c.expected)
      expect_error([&] { io::load_torch_checkpoint(zip); }, {f, zip.filename().string()});
    EXPECT_FALSE(fs::exists(canary)) << "a payload ran";
  }
}

TEST(MaliciousPickles, ZipRecordPathTricksAndImpossibleTensorsAreErrors) {
  TempDir dir;
  // A storage key that climbs out of data/: looked up as a record, never as a path.
  const auto pid = [](const std::string& key, std::int64_t numel) {
    return [key, numel](Pickle& p) {
      p.global("torch._utils", "_rebuild_tensor_v2").mark();
      p.mark().str("storage").global("torch", "FloatStorage").str(key).str("cpu").integer(numel).tuple().op('Q');
      p.integer(0).mark().integer(numel).tuple().mark().integer(1).tuple().op('\x89').global("collections",
                                                                                             "OrderedDict");
      p.mark().tuple().reduce().tuple().reduce();
    };
  };
  write_zip_checkpoint(dir / "climb.pt", Pickle().state_dict_with(pid("../../../../etc/passwd", 4)).b);
  expect_error([&] { io::load_torch_checkpoint(dir / "climb.pt"); },
               {"missing storage record", "../../../../etc/passwd"});

  // A tensor whose size x stride overflows int64 must not wrap around the bounds check.
  const auto huge = [](Pickle& p) {
    p.global("torch._utils", "_rebuild_tensor_v2").mark();
    p.mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(4).tuple().op('Q');
    p.integer(0).mark().integer(std::int64_t{1} << 62).integer(4).tuple();
    p.mark().integer(4).integer(std::int64_t{1} << 62).tuple().op('\x89').global("collections", "OrderedDict");
    p.mark().tuple().reduce().tuple().reduce();
  };
  write_zip_checkpoint(dir / "huge.pt", Pickle().state_dict_with(huge).b, {{"data/0", std::string(16, '\0')}});
  expect_error([&] { io::load_torch_checkpoint(dir / "huge.pt"); }, {"huge.pt", "runs past its storage"});

  // The same well-formed shape loads (the builder is right, so the refusals above are real).
  const auto fine = [](Pickle& p) {
    p.global("torch._utils", "_rebuild_tensor_v2").mark();
    p.mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(4).tuple().op('Q');
    p.integer(0).mark().integer(2).integer(2).tuple().mark().integer(2).integer(1).tuple().op('\x89');
    p.global("collections", "OrderedDict").mark().tuple().reduce().tuple().reduce();
  };
  std::string floats;
  for (float v : {1.0f, 2.0f, 3.0f, 4.0f}) floats.append(reinterpret_cast<const char*>(&v), 4);
  write_zip_checkpoint(dir / "fine.pt", Pickle().state_dict_with(fine).b, {{"data/0", floats}});
  const auto map = io::load_torch_checkpoint(dir / "fine.pt");
  ASSERT_EQ(map.count("weight"), 1u);
  EXPECT_TRUE(torch::equal(map.at("weight"), torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({2, 2})));
}

// ---- image size limits before decoding -----------------------------------------------------------

namespace {

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// A PNG signature + IHDR claiming w x h (no image data: only the header is read before the check).
std::string png_header(std::uint32_t w, std::uint32_t h) {
  return std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + "IHDR" + be32(w) + be32(h) +
         std::string("\x08\x02\0\0\0", 5) + be32(0);
}

std::string jpeg_header(std::uint16_t w, std::uint16_t h) {
  std::string s("\xFF\xD8\xFF\xE0\x00\x04\x00\x00", 8);  // SOI, APP0 (length 4)
  s += std::string("\xFF\xC0\x00\x11\x08", 5);
  s += {static_cast<char>(h >> 8), static_cast<char>(h), static_cast<char>(w >> 8), static_cast<char>(w)};
  return s + std::string(12, '\0');
}

std::string bmp_header(std::int32_t w, std::int32_t h) {
  return "BM" + le(0, 4) + le(0, 4) + le(54, 4) + le(40, 4) + le(static_cast<std::uint32_t>(w), 4) +
         le(static_cast<std::uint32_t>(h), 4) + le(1, 2) + le(24, 2) + std::string(24, '\0');
}

std::string webp_vp8x_header(std::uint32_t w, std::uint32_t h) {
  return "RIFF" + le(30, 4) + "WEBPVP8X" + le(10, 4) + std::string(4, '\0') + le(w - 1, 3) + le(h - 1, 3);
}

std::string tiff_header(std::uint32_t w, std::uint32_t h) {
  std::string s = "II*" + std::string(1, '\0') + le(8, 4) + le(2, 2);
  s += le(256, 2) + le(4, 2) + le(1, 4) + le(w, 4);
  s += le(257, 2) + le(4, 2) + le(1, 4) + le(h, 4);
  return s + le(0, 4);
}

}  // namespace

TEST(ImageLimits, HeadersGiveTheSizeAndOversizedImagesAreRefusedBeforeDecoding) {
  const auto over = static_cast<std::uint32_t>(std::sqrt(static_cast<double>(io::kMaxImagePixels))) + 1;
  const struct {
    std::string bytes;
    std::string format;
  } cases[] = {{png_header(300, 200), "PNG"},
               {jpeg_header(300, 200), "JPEG"},
               {bmp_header(300, -200), "BMP"},
               {webp_vp8x_header(300, 200), "WebP"},
               {tiff_header(300, 200), "TIFF"}};
  for (const auto& c : cases) {
    const auto h = io::check_image_header(reinterpret_cast<const std::uint8_t*>(c.bytes.data()), c.bytes.size(), "x");
    EXPECT_EQ(h.format, c.format);
    EXPECT_EQ(h.width, 300u) << c.format;
    EXPECT_EQ(h.height, 200u) << c.format;
  }
  const std::string too_big[] = {
      png_header(over, over),       jpeg_header(65000, 65000), bmp_header(over, -static_cast<std::int32_t>(over)),
      webp_vp8x_header(over, over), tiff_header(over, over),   png_header(io::kMaxImageSide + 1, 1)};
  for (const auto& bytes : too_big) {
    expect_error(
        [&] { io::check_image_header(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), "pic"); },
        {"pic is", "megapixels"});
  }
  const std::string unknown = "GIF89a" + std::string(20, '\0');
  expect_error(
      [&] { io::check_image_header(reinterpret_cast<const std::uint8_t*>(unknown.data()), unknown.size(), "pic"); },
      {"not a PNG, JPEG, WebP, BMP or TIFF"});
}

TEST(ImageLimits, RealFilesOfEveryFormatPassTheHeaderCheckAndDecode) {
  TempDir dir;
  io::Image img;
  img.width = 37, img.height = 23, img.channels = 3;
  img.pixels.resize(static_cast<std::size_t>(37) * 23 * 3);
  for (std::size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<std::uint8_t>(i * 7);
  for (const char* ext : {".png", ".jpg", ".webp", ".bmp", ".tiff"}) {
    SCOPED_TRACE(ext);
    const fs::path file = dir / (std::string("picture") + ext);
    io::write_image(file, img);  // OpenCV's encoders
    const std::string bytes = test::read_bytes(file);
    const auto h = io::check_image_header(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), ext);
    EXPECT_EQ(h.width, 37u);
    EXPECT_EQ(h.height, 23u);
    const io::Image back = io::read_image_rgb(file);
    EXPECT_EQ(back.width, 37);
    EXPECT_EQ(back.height, 23);
  }
}

TEST(ImageLimits, FilesAndBase64ImagesAreCheckedBeforeTheDecoderRuns) {
  TempDir dir;
  // A 20-byte "PNG" claiming 100000 x 100000 pixels: refused by its header, not by a failed allocation.
  test::write_bytes(dir / "bomb.png", png_header(100000, 100000));
  expect_error([&] { io::read_image_rgb(dir / "bomb.png"); }, {"bomb.png", "megapixels"});
  // Devices and pipes are not read (reading /dev/zero would never end).
  expect_error([&] { io::read_image_rgb("/dev/zero"); }, {"/dev/zero", "not a regular file"});
  // Over the file size limit (a sparse file: no disk used).
  {
    std::ofstream big(dir / "big.png", std::ios::binary);
    big << png_header(10, 10);
    big.seekp(static_cast<std::streamoff>(io::kMaxImageFileBytes) + 1);
    big.put('\0');
  }
  expect_error([&] { io::read_image_rgb(dir / "big.png"); }, {"big.png", "MiB"});
  // Inline base64 images get the same header check before anything is written or decoded.
  const std::string bomb = png_header(100000, 100000);
  const std::string url = "data:image/png;base64," +
                          pipeline::base64_encode(reinterpret_cast<const std::uint8_t*>(bomb.data()), bomb.size());
  try {
    pipeline::read_request_image(url, "ip_image 1");
    ADD_FAILURE() << "expected InputError";
  } catch (const pipeline::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("ip_image 1 (base64) is 100000x100000 pixels"), std::string::npos) << e.what();
  }
  // A real image within the limits still reads.
  io::Image img;
  img.width = 5, img.height = 4, img.channels = 3;
  img.pixels.assign(60, 77);
  io::write_png(dir / "ok.png", img);
  EXPECT_EQ(io::read_image_rgb(dir / "ok.png").width, 5);
}

// ---- seeded request mutations ---------------------------------------------------------------------

namespace {

using nlohmann::json;

// Values of the kinds the mutations use: wrong types, huge numbers, empty and long strings, path tricks.
std::vector<json> odd_values(const fs::path& dir) {
  return {json(nullptr),
          json(true),
          json(0),
          json(-1),
          json(std::numeric_limits<std::int64_t>::max()),
          json(std::numeric_limits<std::int64_t>::min()),
          json(std::numeric_limits<std::uint64_t>::max()),
          json(1e308),
          json(-1e308),
          json(std::numeric_limits<double>::quiet_NaN()),
          json(std::numeric_limits<double>::infinity()),
          json(0.5),
          json(""),
          json(std::string(5000, 'a')),
          json(std::string("caf\xe9 au lait")),
          json(std::string(5000, '(')),
          json("(a:1e30) ((b:9):9)"),
          json("../../../../etc/passwd"),
          json("/dev/zero"),
          json("/proc/self/mem"),
          json(dir.string()),
          json("data:image/png;base64,!!!!"),
          json("data:image/png;base64," + std::string(100, 'A')),
          json(std::string(300, 'Q')),
          json::array(),
          json::array({1, "x", nullptr}),
          json::array({json::object({{"path", 5}, {"weight", "heavy"}})}),
          json::object(),
          json::object({{"path", "/dev/zero"}, {"weight", -1}})};
}

json base_request(const fs::path& pose_json) {
  return {{"pose_json", pose_json.string()},
          {"prompt", "a dancer"},
          {"negative_prompt", "blurry"},
          {"samples", 1},
          {"scheduler", "Euler"},
          {"num_inference_steps", 2},
          {"guidance_scale", 5.0},
          {"seed", 3},
          {"ip_adapter_scale", 0.6},
          {"controlnet_scale", 0.8},
          {"control_start", 0.0},
          {"control_end", 1.0},
          {"width", 64},
          {"height", 64}};
}

const char* const kKeys[] = {"input_image",
                             "image",
                             "pose_json",
                             "ip_image",
                             "ip_images",
                             "prompt",
                             "negative_prompt",
                             "samples",
                             "scheduler",
                             "num_inference_steps",
                             "guidance_scale",
                             "seed",
                             "ip_adapter_scale",
                             "controlnet_scale",
                             "control_start",
                             "control_end",
                             "width",
                             "height",
                             "base64"};

// Mutation `index` of the base request: 1-3 keys set to odd values, sometimes an unknown key.
json mutated_request(std::mt19937& rng, const std::vector<json>& values, const fs::path& pose_json) {
  json r = base_request(pose_json);
  const int changes = 1 + static_cast<int>(rng() % 3);
  for (int c = 0; c < changes; ++c) {
    const std::size_t kind = rng() % 10;
    if (kind == 0) {
      r["unknown_key_" + std::to_string(rng() % 100)] = values[rng() % values.size()];
    } else if (kind == 1) {
      r.erase(kKeys[rng() % std::size(kKeys)]);
    } else {
      r[kKeys[rng() % std::size(kKeys)]] = values[rng() % values.size()];
    }
  }
  return r;
}

enum class Outcome { Refused, Valid };

// What the CLI does with a request before any model: parse (exit 2), validate (exit 2), decode the
// inputs (InputError: exit 2). Only poseforge::Error may come out.
Outcome check_in_process(const json& j, const fs::path& dir) {
  const std::string text = io::json_text(j, 2);  // never throws, whatever the strings hold
  pipeline::Request r;
  try {
    r = pipeline::Request::from_json(json::parse(text), dir);
  } catch (const Error&) {
    return Outcome::Refused;
  }
  if (!r.problems().empty()) return Outcome::Refused;
  (void)io::json_text(r.to_json());
  (void)r.a1111_parameters();
  try {
    pipeline::decode_request_inputs(r, {});
  } catch (const Error&) {
    return Outcome::Refused;
  }
  return Outcome::Valid;
}

}  // namespace

TEST(RequestMutations, SeededMutationsAreRefusedWithAnErrorOrValidNeverACrash) {
  TempDir dir;
  pose::Pose pose(64, 64);
  pose.set_keypoint(pose.add_person(), 1, {0.5, 0.5, 1.0});
  pose::save_pose_json(dir / "pose.json", pose);
  const auto values = odd_values(dir.path());
  std::mt19937 rng(20261201);
  int refused = 0, valid = 0;
  std::vector<json> for_cli;
  for (int i = 0; i < 400; ++i) {
    const json j = mutated_request(rng, values, dir / "pose.json");
    SCOPED_TRACE("mutation " + std::to_string(i) + ": " + io::json_text(j).substr(0, 300));
    try {
      const Outcome o = check_in_process(j, dir.path());
      (o == Outcome::Refused ? refused : valid)++;
      if (o == Outcome::Refused && for_cli.size() < 8 && i % 7 == 0) for_cli.push_back(j);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a poseforge::Error: " << e.what();
    }
  }
  EXPECT_GT(refused, 100);  // the mutations do hit the checks
  EXPECT_GT(valid, 10);     // and some leave a runnable request
  std::cout << "  400 mutations: " << refused << " refused with an Error, " << valid << " valid\n";

  // A handful through the binary: exit 2 with a message, nothing written, no abort.
  ASSERT_FALSE(for_cli.empty());
  for (std::size_t i = 0; i < for_cli.size(); ++i) {
    const fs::path file = dir / ("mutation_" + std::to_string(i) + ".json");
    test::write_bytes(file, io::json_text(for_cli[i], 2));
    const auto r = test::run_binary(POSEFORGE_CLI,
                                    {"generate", "--request", file.string(), "--models", (dir / "no-models").string(),
                                     "--out", (dir / "out.png").string()},
                                    dir.path());
    EXPECT_EQ(r.signal, 0) << r.err;
    EXPECT_EQ(r.code, 2) << file << "\n" << r.err;
    EXPECT_NE(r.err.find("error: generate: "), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "out.png"));
  }
}
