#!/usr/bin/env bash
# Sets up, builds and runs every test (unit, parity against ../shared/fixtures, GUI offscreen).
# Fixture root: $POSEFORGE_FIXTURES (default ../shared/fixtures beside the checkout).
# `scripts/test.sh --sanitize [ctest args]`: the same suite built with g++ -fsanitize=address,undefined
# in ./build-sanitize ($POSEFORGE_SANITIZE_BUILD_DIR); any sanitizer report fails the test that hit it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${1:-}" = "--sanitize" ]; then
  shift
  exec bash "$root/scripts/test-sanitize.sh" "$@"
fi
bash "$root/scripts/build.sh"
source "$root/scripts/libtorch.sh"
poseforge_choose_libtorch 2>/dev/null  # the choice build.sh made (and printed)
build="$(poseforge_build_dir "$root")"
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@"
