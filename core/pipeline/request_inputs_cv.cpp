// Decoding a Request's inputs: pose photo through the OpenPose detector, pose JSON, image prompts.
#include "core/pipeline/request_inputs.h"

#include <atomic>
#include <chrono>
#include <fstream>

#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "core/io/image_limits.h"
#include "core/pipeline/base64.h"
#include "core/pipeline/stage_error.h"
#include "core/pose/detector.h"
#include "core/pose/draw.h"
#include "core/pose/pose_json.h"

namespace poseforge::pipeline {
namespace fs = std::filesystem;
namespace {

// Inline images are decoded by read_image_rgb (one decoder for every format) from a private temp file.
io::Image read_inline_image(const std::vector<std::uint8_t>& bytes, const std::string& what) {
  static std::atomic<int> counter{0};
  const fs::path tmp =
      fs::temp_directory_path() / fmt::format("poseforge-inline-{}-{}-{}", ::getpid(),
                                              std::chrono::steady_clock::now().time_since_epoch().count(), counter++);
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw InputError(fmt::format("{}: cannot write a temporary file for the base64 image", what));
  }
  try {
    io::Image image = io::read_image_rgb(tmp);
    fs::remove(tmp);
    return image;
  } catch (const Error&) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw InputError(fmt::format("{}: the base64 data is not a readable image (PNG, JPEG, WebP, BMP or TIFF)", what));
  }
}

}  // namespace

io::Image read_request_image(const std::string& source, const std::string& what) {
  std::error_code ec;
  if (source.empty()) throw InputError(fmt::format("{}: no image given", what));
  if (!fs::exists(source, ec)) {
    if (const auto payload = inline_base64_payload(source)) {
      // The same limits as image files, before decoding (base64: 4 characters per 3 bytes).
      if (payload->size() / 4 * 3 > io::kMaxImageFileBytes) {
        throw InputError(fmt::format("{}: the base64 image is {:.1f} MiB; images may be at most {} MiB", what,
                                     static_cast<double>(payload->size() / 4 * 3) / (1 << 20),
                                     io::kMaxImageFileBytes >> 20));
      }
      const auto bytes = base64_decode(*payload);
      if (!bytes || bytes->empty()) throw InputError(fmt::format("{}: invalid base64 image data", what));
      try {
        io::check_image_header(bytes->data(), bytes->size(), fmt::format("{} (base64)", what));
      } catch (const Error& e) {
        throw InputError(e.what());
      }
      return read_inline_image(*bytes, what);
    }
  }
  try {
    return io::read_image_rgb(source);
  } catch (const Error& e) {
    throw InputError(fmt::format("{}: {}", what, e.what()));
  }
}

DecodedInputs decode_request_inputs(const Request& request, const DecodeOptions& options) {
  DecodedInputs out;
  if (!request.pose_json.empty()) {
    try {
      pose::PoseJsonOptions read;
      read.default_width = request.width;
      read.default_height = request.height;
      read.frame = request.pose_frame;
      pose::PoseJsonImport imported = pose::import_pose_json_file(request.pose_json, read);
      for (const std::string& w : imported.warnings) spdlog::warn("pose_json: {}", w);
      out.pose = std::move(imported.pose);
    } catch (const Error& e) {
      throw InputError(fmt::format("pose_json: {}", e.what()));
    }
  } else {
    const io::Image photo = read_request_image(request.pose_image, "input_image");
    if (options.body_model.empty()) throw Error("input_image: detecting the pose needs the OpenPose body model");
    pose::Detection d = run_stage(
        fmt::format("detecting the pose in input_image with the OpenPose body model '{}'", options.body_model.string()),
        [&] {
          pose::BodyDetector detector = pose::BodyDetector::load(options.body_model, torch::Device(options.device));
          pose::DetectOptions detect;
          detect.detect_resolution = options.detect_resolution;
          detect.image_resolution = options.detect_resolution;
          return detector.detect(photo, detect);
        });
    out.pose = std::move(d.pose);
    out.inputs.control_image = std::move(d.control);  // as OpenposeDetector returns it; the engine resizes
  }
  if (out.inputs.control_image.empty()) {
    pose::DrawParts parts;
    parts.body = request.pose_body;
    parts.hands = request.pose_hands;
    parts.face = request.pose_face;
    out.inputs.control_image =
        pose::render_control_image(out.pose, out.pose.canvas_width(), out.pose.canvas_height(), parts);
  }
  for (std::size_t i = 0; i < request.image_prompts.size(); ++i) {
    const auto& ip = request.image_prompts[i];
    Inputs::ImagePrompt in{read_request_image(ip.path, fmt::format("ip_image {}", i + 1)), ip.weight};
    in.type = ip.type;
    in.composition_weight = ip.effective_composition_weight();
    in.start = ip.start;
    in.end = ip.end;
    if (!ip.mask.empty()) in.mask = read_request_image(ip.mask, fmt::format("ip_image {} mask", i + 1));
    out.inputs.image_prompts.push_back(std::move(in));
  }
  if (!request.ip_negative_image.empty()) {
    out.inputs.negative_image_prompt = read_request_image(request.ip_negative_image, "ip_negative_image");
  }
  return out;
}

}  // namespace poseforge::pipeline
