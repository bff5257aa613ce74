// `generate --out`: the output files checked before anything runs (folder exists and is writable,
// no folder in the way), so a long run never ends in "cannot write".
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace poseforge::cli {

// One message per problem of writing `samples` PNGs named after `out` (sample_path); empty when fine.
std::vector<std::string> output_problems(const std::filesystem::path& out, int samples);

}  // namespace poseforge::cli
