#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) with clang + ASan + UBSan in ./build-fuzz and runs each in turn.
#   scripts/fuzz.sh [seconds-per-harness] [harness ...]    (default 60 s each, every harness)
# Each harness starts from its corpus tests/fuzz/corpus/<name>/ (read-only); new interesting inputs go to
# build-fuzz/corpus/<name>/, crashes to build-fuzz/findings/<name>/. Copy a fixed crash into the corpus folder
# so test_fuzz_replay (label fuzz, normal build) keeps replaying it. Environment: FUZZ_JOBS (parallel builds,
# default nproc), FUZZ_ARGS (extra libFuzzer flags, e.g. -runs=1000000), POSEFORGE_FUZZ_BUILD_DIR.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(safetensors pickle torch_checkpoint config tokenizer prompt_weighting
                                         pose_json request_json png_text image)
build="${POSEFORGE_FUZZ_BUILD_DIR:-$root/build-fuzz}"

bash "$root/scripts/setup.sh"
# clang, libFuzzer and the sanitizer runtimes (Debian 12: clang 14, libclang-rt-14-dev).
if ! command -v clang++ >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends clang libclang-rt-14-dev
fi

flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DPOSEFORGE_FUZZ=ON -DPOSEFORGE_BUILD_GUI=OFF -DPOSEFORGE_BUILD_TESTS=ON
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$build" --target "${targets[@]}" -j "${FUZZ_JOBS:-$(nproc)}"

# Decompression bombs: OpenCV's own pixel limit (1 Gpx by default) would let one image take >16 GB here;
# the harness checks what the parsers do with the pixels, not how much memory a huge picture needs.
export OPENCV_IO_MAX_IMAGE_PIXELS="${OPENCV_IO_MAX_IMAGE_PIXELS:-16777216}"
export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$root/tests/sanitize/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:suppressions=$root/tests/sanitize/ubsan.supp:${UBSAN_OPTIONS:-}"
# The harnesses hand most inputs to parsers as files: keep those in memory.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
status=0
for h in "${harnesses[@]}"; do
  corpus="$build/corpus/$h"
  findings="$build/findings/$h"
  mkdir -p "$corpus" "$findings"
  echo "== fuzz_$h: ${seconds}s"
  # -rss_limit_mb: libFuzzer's default 2 GB, twice the peak any harness reaches (1 GB: ASan's quarantine plus
  # OpenCV and libtorch), so an input that allocates what its file merely claims is a finding again (png_text's
  # 850 MB tEXt was); -timeout: one input may run 10 s (a hang is a finding).
  # torch_checkpoint: every malformed zip leaks inside libtorch (tests/sanitize/lsan.supp), and libFuzzer then
  # scans the whole heap for leaks after each such input (2 inputs a second); leaks in our half of the zip
  # path are still looked for by the replay under scripts/test.sh --sanitize, and the pickle harness covers
  # the legacy path with leak detection on.
  leaks=1
  [ "$h" != torch_checkpoint ] || leaks=0
  if ! "$build/tests/fuzz/fuzz_$h" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=16384 \
      -detect_leaks=$leaks \
      -print_final_stats=1 -artifact_prefix="$findings/" ${FUZZ_ARGS:-} "$corpus" "$root/tests/fuzz/corpus/$h" \
      2>&1 | tee "$build/fuzz_$h.log" | grep -E '^(#[0-9]+ +(DONE|INITED)|==|SUMMARY|poseforge fuzz|stat::number_of_executed_units|artifact_prefix|Test unit written)'; then
    :
  fi
  if grep -q -E '^==[0-9]+==ERROR|Test unit written|poseforge fuzz finding' "$build/fuzz_$h.log"; then
    echo "fuzz_$h: FINDING (see $build/fuzz_$h.log and $findings/)"
    status=1
  fi
done
exit $status
