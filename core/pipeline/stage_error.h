// Stage errors: a libtorch failure inside loading or a generation turned into a poseforge::Error that
// names the model and the stage; CUDA (or host) out of memory reported as OutOfMemory with what to try.
#pragma once

#include <exception>
#include <string>

#include "core/error.h"

namespace poseforge::pipeline {

// Out of memory during a stage. The loaded models stay usable: the next run may succeed with less
// (the message offers the low-VRAM mode, a smaller size, fewer samples).
class OutOfMemory : public Error {
 public:
  explicit OutOfMemory(const std::string& message) : Error(message) {}
};

// An Error that already names its stage: enclosing stages pass it on unchanged.
class StageError : public Error {
 public:
  explicit StageError(const std::string& message) : Error(message) {}
};

// The hint every OutOfMemory message ends with (the UI keys its "low-VRAM mode" offer on the type).
extern const char* const kLowVramHint;

// True for c10::OutOfMemoryError, std::bad_alloc, and a c10::Error whose message says "out of memory"
// (libtorch builds that throw the plain type).
bool is_out_of_memory(const std::exception& e);

// A message without the C++ backtrace libtorch appends (its first lines only for c10::Error).
std::string readable_what(const std::exception& e);

// Inside a catch block: Cancelled, OutOfMemory and StageError are rethrown unchanged; an out of memory
// becomes OutOfMemory("out of memory while <stage>: ..."); any other exception (c10::Error,
// std::exception, anything) a StageError "<stage>: <readable message>". Other poseforge::Errors get the
// stage in front too when `prefix_errors`, else they are rethrown unchanged.
[[noreturn]] void rethrow_as_stage_error(const std::string& stage, bool prefix_errors = false);

// Runs `fn`, turning what escapes it into a stage error (see above); poseforge::Errors pass unchanged
// (for stages whose errors already say where they come from: loading, a whole run).
template <typename Fn>
auto run_stage(const std::string& stage, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (...) {
    rethrow_as_stage_error(stage);
  }
}

// The same, with the stage (which names its models) put in front of poseforge::Errors too.
template <typename Fn>
auto run_model_stage(const std::string& stage, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (...) {
    rethrow_as_stage_error(stage, /*prefix_errors=*/true);
  }
}

// Throws the exception libtorch's CUDA allocator throws when memory runs out (c10::OutOfMemoryError
// with its message), for tests that inject the failure on a machine without a GPU.
[[noreturn]] void throw_simulated_cuda_oom();

}  // namespace poseforge::pipeline
