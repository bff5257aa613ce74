#!/usr/bin/env bash
# The whole test suite built with g++ -fsanitize=address,undefined (scripts/test.sh --sanitize).
# Build folder: $POSEFORGE_SANITIZE_BUILD_DIR (default ./build-sanitize); extra arguments go to ctest.
# POSEFORGE_SANITIZE_JOBS: parallel compile jobs and tests (default nproc; 1 leaves the other cores usable).
# Every ASan/UBSan/LSan report aborts the process (so the test fails); the only suppressed reports are
# those inside libtorch and Qt, listed with their reasons in tests/sanitize/*.supp.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
build="${POSEFORGE_SANITIZE_BUILD_DIR:-$root/build-sanitize}"
flags="-fsanitize=address,undefined -fno-omit-frame-pointer"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1 -g1: line numbers in every report, a quicker build than -O3, and still fast enough to run the suite.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined"
jobs="${POSEFORGE_SANITIZE_JOBS:-$(nproc)}"
cmake --build "$build" -j "$jobs"
supp="$root/tests/sanitize"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=0:check_initialization_order=1:${ASAN_OPTIONS_EXTRA:-}"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$build" --output-on-failure -j "$jobs" "$@"
