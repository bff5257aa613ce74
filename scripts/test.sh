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
build="${POSEFORGE_BUILD_DIR:-$root/build}"
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@"
