// Running the built poseforge-cli from a test: arguments shell-quoted, stdout/stderr captured to files.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/fixtures.h"

namespace poseforge::test {

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct CliRun {
  int code = -1;   // the exit status; -1 when the process did not exit normally
  int signal = 0;  // the signal that ended it (SIGABRT for an uncaught exception), else 0
  std::string out, err;
};

// Runs `binary` with `args`, stdout/stderr captured through files in `dir`.
inline CliRun run_binary(const std::string& binary, const std::vector<std::string>& args,
                         const std::filesystem::path& dir) {
  std::string cmd = "exec " + shell_quote(binary);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  cmd += " > " + shell_quote((dir / "stdout.txt").string()) + " 2> " + shell_quote((dir / "stderr.txt").string());
  const int status = std::system(cmd.c_str());
  CliRun r;
  if (WIFEXITED(status)) {
    r.code = WEXITSTATUS(status);
    if (r.code > 128) r.signal = r.code - 128;  // the shell reports a killed child as 128 + signal
  }
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = read_bytes(dir / "stdout.txt");
  r.err = read_bytes(dir / "stderr.txt");
  return r;
}

}  // namespace poseforge::test
