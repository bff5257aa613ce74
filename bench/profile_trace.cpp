// Kineto profiling through torch::autograd::profiler (only where CMake found the API compiling).
#include "bench/profile_trace.h"

#include "core/error.h"

#if defined(POSEFORGE_BENCH_PROFILE)
#include <torch/csrc/autograd/profiler_kineto.h>
#endif

namespace poseforge::bench {

void profile_to_file(const std::function<void()>& work, const std::string& path) {
#if defined(POSEFORGE_BENCH_PROFILE)
  namespace prof = torch::autograd::profiler;
  const prof::ProfilerConfig config(prof::ProfilerState::KINETO);
  const std::set<prof::ActivityType> activities{prof::ActivityType::CPU, prof::ActivityType::CUDA};
  prof::prepareProfiler(config, activities);
  prof::enableProfiler(config, activities);
  work();
  auto result = prof::disableProfiler();
  result->save(path);
#else
  (void)work;
  throw Error("--profile {}: this poseforge-bench was built without libtorch's Kineto profiler API", path);
#endif
}

}  // namespace poseforge::bench
