// Stage errors: libtorch exceptions (c10::Error, out of memory, std::exception) turned into poseforge::Error.
#include "core/pipeline/stage_error.h"

#include <new>

#include <c10/util/Exception.h>
#include <fmt/format.h>

#include "core/pipeline/pipeline.h"

namespace poseforge::pipeline {

const char* const kLowVramHint =
    "The loaded models are kept. Try the low-VRAM mode (CLI: --low-vram; app: Settings > Low-VRAM mode) or, "
    "on 6-8 GB cards, --memory minimal (Settings > GPU memory), a smaller width/height or fewer samples";

bool is_out_of_memory(const std::exception& e) {
  if (dynamic_cast<const c10::OutOfMemoryError*>(&e) || dynamic_cast<const std::bad_alloc*>(&e)) return true;
  if (const auto* c10 = dynamic_cast<const c10::Error*>(&e)) {
    return c10->msg().find("out of memory") != std::string::npos;
  }
  return false;
}

std::string readable_what(const std::exception& e) {
  std::string what;
  if (const auto* c10 = dynamic_cast<const c10::Error*>(&e)) {
    what = c10->what_without_backtrace();
  } else if (dynamic_cast<const std::bad_alloc*>(&e)) {
    what = "host memory allocation failed (std::bad_alloc)";
  } else {
    what = e.what();
  }
  // Some libtorch builds still put "Exception raised from ... (most recent call first):" in the text.
  for (const char* marker : {"\nException raised from", " (most recent call first)"}) {
    if (const auto at = what.find(marker); at != std::string::npos) what.resize(at);
  }
  while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
  return what;
}

void rethrow_as_stage_error(const std::string& stage, bool prefix_errors) {
  try {
    throw;
  } catch (const Cancelled&) {
    throw;
  } catch (const OutOfMemory&) {
    throw;
  } catch (const StageError&) {
    throw;
  } catch (const Error& e) {
    if (!prefix_errors) throw;
    throw StageError(fmt::format("{}: {}", stage, e.what()));
  } catch (const std::exception& e) {
    if (is_out_of_memory(e)) {
      std::string first = readable_what(e);
      if (const auto nl = first.find('\n'); nl != std::string::npos) first.resize(nl);
      throw OutOfMemory(fmt::format("out of memory while {}: {}. {}", stage, first, kLowVramHint));
    }
    throw StageError(fmt::format("{}: {}", stage, readable_what(e)));
  } catch (...) {
    throw StageError(fmt::format("{}: an unknown exception was thrown", stage));
  }
}

void throw_simulated_cuda_oom() {
  // The text of c10/cuda/CUDACachingAllocator.cpp's message (libtorch 1.13 .. 2.x).
  // (SourceLocation, message): the one constructor both libtorch 1.13 and 2.x have.
  throw c10::OutOfMemoryError(
      c10::SourceLocation{__func__, __FILE__, static_cast<std::uint32_t>(__LINE__)},
      "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 23.65 GiB total capacity; 20.12 GiB already "
      "allocated; 1.50 GiB free; 21.00 GiB reserved in total by PyTorch) (simulated by a test)");
}

}  // namespace poseforge::pipeline
