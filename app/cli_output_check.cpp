// `generate --out` checked before the run: the folder exists, is a folder, is writable; no folder in the way.
#include "app/cli_output_check.h"

#include <cerrno>
#include <cstring>

#include <unistd.h>

#include <fmt/format.h>

#include "app/cli_generate_args.h"

namespace poseforge::cli {
namespace fs = std::filesystem;

std::vector<std::string> output_problems(const fs::path& out, int samples) {
  std::vector<std::string> problems;
  const fs::path folder = out.has_parent_path() ? out.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::exists(folder, ec)) {
    problems.push_back(
        fmt::format("--out '{}': the folder '{}' does not exist (create it first)", out.string(), folder.string()));
    return problems;
  }
  if (!fs::is_directory(folder, ec)) {
    problems.push_back(fmt::format("--out '{}': '{}' is not a folder", out.string(), folder.string()));
    return problems;
  }
  // The PNG is written as a temp file beside the target, then renamed: the folder must be writable.
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    problems.push_back(fmt::format("--out '{}': the folder '{}' is not writable ({})", out.string(), folder.string(),
                                   std::strerror(errno)));
    return problems;
  }
  for (int s = 0; s < std::max(1, samples); ++s) {
    const fs::path file = sample_path(out, s, samples);
    if (fs::is_directory(file, ec)) {
      problems.push_back(
          fmt::format("--out '{}': '{}' is a folder, expected a .png file name", out.string(), file.string()));
    }
  }
  return problems;
}

}  // namespace poseforge::cli
