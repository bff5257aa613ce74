// Fuzz harness: a request JSON file (Segmind's keys and ours): validation, the A1111 text, inline base64 images
// and the JSON round trip.
#include <string>

#include "core/error.h"
#include "core/pipeline/base64.h"
#include "core/pipeline/request.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/harnesses.h"

namespace {

using namespace poseforge;

void decode_inline(const std::string& image) {
  if (const auto payload = pipeline::inline_base64_payload(image)) {
    if (const auto bytes = pipeline::base64_decode(*payload)) {
      fuzz::check(pipeline::base64_decode(pipeline::base64_encode(*bytes)) == bytes, "base64 round trip failed");
    }
  }
}

}  // namespace

int fuzz_request_json(const std::uint8_t* data, std::size_t size) {
  const auto path = fuzz::write_scratch("request.json", data, size);
  pipeline::Request request;
  try {
    request = pipeline::Request::load(path);
  } catch (const Error& e) {
    fuzz::note(e.what());
    return 0;
  }
  const auto problems = request.problems();
  fuzz::note("request: " + std::to_string(problems.size()) + " problems");
  bool threw = false;
  try {
    request.validate();
  } catch (const Error& e) {
    fuzz::note(e.what());
    threw = true;
  }
  fuzz::check(threw == !problems.empty(), "validate() disagrees with problems()");
  const std::string parameters = request.a1111_parameters();
  fuzz::check(!parameters.empty(), "empty A1111 parameters");
  decode_inline(request.pose_image);
  for (const auto& ip : request.image_prompts) decode_inline(ip.path);
  // The JSON a request writes (into every PNG) must dump and read back as the same request.
  const auto json = request.to_json();
  const std::string text = json.dump(2);
  const auto again = pipeline::Request::from_json(nlohmann::json::parse(text));
  fuzz::check(again.to_json() == json, "request changed in a JSON round trip");
  return 0;
}
