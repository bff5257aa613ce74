// Fuzz harness: the text chunks of a PNG (tEXt, zTXt, iTXt through libpng) and what the app reads from them:
// our "poseforge" request JSON.
#include <map>
#include <string>

#include "core/error.h"
#include "core/io/png_io.h"
#include "core/pipeline/request.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/harnesses.h"

int fuzz_png_text(const std::uint8_t* data, std::size_t size) {
  using namespace poseforge;
  const auto path = fuzz::write_scratch("in.png", data, size);
  std::map<std::string, std::string> text;
  try {
    text = io::read_png_text(path);
  } catch (const Error& e) {
    fuzz::note(e.what());
    return 0;
  }
  fuzz::note("png: " + std::to_string(text.size()) + " text chunks");
  // What ui/results/png_metadata.cpp does with the "poseforge" chunk.
  if (const auto it = text.find("poseforge"); it != text.end()) {
    nlohmann::json json;
    try {
      json = nlohmann::json::parse(it->second);
    } catch (const nlohmann::json::exception&) {
      return 0;  // png_metadata.cpp turns this into an Error naming the file
    }
    try {
      (void)pipeline::Request::from_json(json).to_json().dump();
    } catch (const Error& e) {
      fuzz::note(e.what());
    }
  }
  // Hook for the A1111 "parameters" and ComfyUI "prompt"/"workflow" readers (branch `poses`): call each on
  // `text` here, each in its own try/catch(const Error&).
  return 0;
}
