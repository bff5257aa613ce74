// Kineto profiling of a piece of work into a Chrome trace (bench/trace_summary.py sums its kernels).
#pragma once

#include <functional>
#include <string>

namespace poseforge::bench {

// Runs `work` with the CPU and CUDA activities recorded, then writes the trace to `path`. Error when the
// build cannot profile (its libtorch's Kineto C++ API did not compile here: no POSEFORGE_BENCH_PROFILE).
void profile_to_file(const std::function<void()>& work, const std::string& path);

}  // namespace poseforge::bench
