// poseforge-cli: the headless entry point. Global options, then one command: info, detect, generate, make-demo-models.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "app/cli_args.h"
#include "app/cli_commands.h"
#include "app/cli_image_prompt_args.h"
#include "core/error.h"
#include "core/log.h"
#include "core/pipeline/stage_error.h"
#include "core/pose/detect_command.h"

namespace {

using poseforge::cli::kExitFailure;
using poseforge::cli::kExitOk;
using poseforge::cli::kExitUsage;

void print_usage() {
  std::printf(
      "usage: poseforge-cli [--log-level LEVEL] <command> [options]\n"
      "\n"
      "commands:\n"
      "%s%s%s%s%s"
      "\n"
      "options:\n"
      "  --log-level LEVEL   trace, debug, info, warn, error, off (default: $POSEFORGE_LOG_LEVEL or info)\n"
      "  --version           print the version\n"
      "  -h, --help          this help\n",
      poseforge::cli::generate_usage(), poseforge::cli::image_prompt_usage(), poseforge::pose::detect_usage(), poseforge::cli::info_usage(),
      poseforge::cli::make_demo_models_usage());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  poseforge::LogOptions log;
  log.file = "-";  // the CLI logs to the console only
  std::string command;
  std::vector<std::string> command_args;  // the command's own arguments (global options may go anywhere)
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      print_usage();
      return kExitOk;
    } else if (a == "--version") {
      std::printf("poseforge-cli %s\n", POSEFORGE_VERSION);
      return kExitOk;
    } else if (a == "--log-level") {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "error: --log-level needs a value\n");
        return kExitUsage;
      }
      log.level = args[++i];
    } else if (command.empty() && !a.empty() && a[0] != '-') {
      command = a;
    } else if (!command.empty()) {
      command_args.push_back(a);
    } else {
      std::fprintf(stderr, "error: unknown argument '%s'\n", a.c_str());
      return kExitUsage;
    }
  }
  try {
    poseforge::init_logging(log);
  } catch (const poseforge::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitUsage;
  }
  if (command.empty()) {
    print_usage();
    return kExitUsage;
  }
  try {
    if (command == "info") return poseforge::cli::run_info(command_args);
    if (command == "generate") return poseforge::cli::run_generate(command_args);
    if (command == "make-demo-models") return poseforge::cli::run_make_demo_models(command_args);
    if (command == "detect") return poseforge::pose::run_detect_command(command_args);
    std::fprintf(stderr, "error: unknown command '%s' (try --help)\n", command.c_str());
    return kExitUsage;
  } catch (const poseforge::Error& e) {
    spdlog::error("{}", e.what());
    return kExitFailure;
  } catch (const std::exception& e) {
    // A libtorch (or other library) error no stage caught: a message, never an abort.
    spdlog::error("{}: {}", command, poseforge::pipeline::readable_what(e));
    return kExitFailure;
  }
}
