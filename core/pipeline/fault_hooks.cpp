// The process-wide fault hooks (empty unless a test installs some).
#include "core/pipeline/fault_hooks.h"

namespace poseforge::pipeline {

FaultHooks& fault_hooks() {
  static FaultHooks hooks;
  return hooks;
}

}  // namespace poseforge::pipeline
