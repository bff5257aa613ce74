// poseforge-bench pipeline: the whole Pipeline (load, first and second generation) timed on a model folder.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace poseforge::bench {

// `options`: the command line's --key value pairs without the dashes (see poseforge-bench's usage).
// Prints the timings; returns the exit code. Throws Error for bad options or models.
int run_pipeline_bench(const std::map<std::string, std::string>& options);

// "a,b,c" -> {"a", "b", "c"} (an empty text: none); for the bench's list options (--lora, --attention).
std::vector<std::string> comma_list(const std::string& text);

}  // namespace poseforge::bench
