#!/usr/bin/env bash
# scripts/libtorch.sh's order (POSEFORGE_LIBTORCH, a CUDA PyTorch, get-libtorch.sh's, else Debian's CPU one)
# with fake prefixes, a fake python3 and a fake driver file; and scripts/get-libtorch.sh's checksum and
# resume paths with a local archive through a file:// URL. Exits non-zero on the first failed check.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; failures=$((failures + 1)); fi
}
contains() {  # contains NAME NEEDLE HAYSTACK
  case "$3" in *"$2"*) echo "ok   $1" ;; *) echo "FAIL $1: '$2' not in '$3'"; failures=$((failures + 1)) ;; esac
}
fake_prefix() {  # a libtorch-like folder: <p>/share/cmake/Torch/TorchConfig.cmake
  mkdir -p "$1/share/cmake/Torch" && touch "$1/share/cmake/Torch/TorchConfig.cmake"
}
fake_prefix "$tmp/explicit"
mkdir -p "$tmp/site/torch/share/cmake/Torch" && touch "$tmp/site/torch/share/cmake/Torch/TorchConfig.cmake"
printf '#!/bin/sh\necho %s\n' "$tmp/site/torch/share/cmake" >"$tmp/python-cuda" # torch.utils.cmake_prefix_path
printf '#!/bin/sh\necho\n' >"$tmp/python-cpu"                                    # a CPU-only PyTorch prints ""
printf '#!/bin/sh\nexit 1\n' >"$tmp/python-none"                                 # no torch module
chmod +x "$tmp"/python-*
touch "$tmp/driver"

choose() {  # choose DRIVER PYTHON DATA [POSEFORGE_LIBTORCH] -> "FROM|DIR|GPU|BUILD" (stderr: the line)
  (
    unset POSEFORGE_LIBTORCH POSEFORGE_BUILD_DIR
    export POSEFORGE_NVIDIA_DRIVER_FILE="$1" POSEFORGE_PYTHON="$2" XDG_DATA_HOME="$3"
    [ $# -ge 4 ] && export POSEFORGE_LIBTORCH="$4"
    source "$root/scripts/libtorch.sh"
    poseforge_choose_libtorch 2>"$tmp/line" || exit 1
    echo "${PF_TORCH_DIR}|${PF_TORCH_GPU}|$(poseforge_build_dir /src)"
  )
}
empty="$tmp/empty-data"
data="$tmp/data"
fake_prefix "$data/poseforge/libtorch/$(source "$root/scripts/libtorch.sh"; echo "$POSEFORGE_LIBTORCH_VERSION")/libtorch"
fetched_dir="$(XDG_DATA_HOME="$data" bash -c "source '$root/scripts/libtorch.sh'; poseforge_fetched_libtorch")/share/cmake/Torch"

# 1. no driver: Debian's libtorch, as today, even with a CUDA PyTorch and a fetched one present
check "no driver -> CPU build in ./build" "|0|/src/build" "$(choose "$tmp/no-driver" "$tmp/python-cuda" "$data")"
contains "no driver -> one line naming get-libtorch.sh" "scripts/get-libtorch.sh" "$(cat "$tmp/line")"
check "one line only" "1" "$(wc -l <"$tmp/line")"
# 2. POSEFORGE_LIBTORCH first, with or without a driver
check "POSEFORGE_LIBTORCH without driver" "$tmp/explicit/share/cmake/Torch|1|/src/build-cuda" \
  "$(choose "$tmp/no-driver" "$tmp/python-none" "$empty" "$tmp/explicit")"
check "POSEFORGE_LIBTORCH before PyTorch and fetched" "$tmp/explicit/share/cmake/Torch|1|/src/build-cuda" \
  "$(choose "$tmp/driver" "$tmp/python-cuda" "$data" "$tmp/explicit")"
check "POSEFORGE_LIBTORCH without Torch fails" "failed" "$(choose "$tmp/driver" "$tmp/python-cuda" "$data" "$tmp/nothing" || echo failed)"
contains "... naming the folder" "$tmp/nothing" "$(cat "$tmp/line")"
# 3. a driver: the CUDA PyTorch, then the fetched libtorch, then the CPU build with the hint
check "driver: CUDA PyTorch before fetched" "$tmp/site/torch/share/cmake/Torch|1|/src/build-cuda" \
  "$(choose "$tmp/driver" "$tmp/python-cuda" "$data")"
check "driver: CPU-only PyTorch -> fetched" "$fetched_dir|1|/src/build-cuda" "$(choose "$tmp/driver" "$tmp/python-cpu" "$data")"
check "driver: no PyTorch -> fetched" "$fetched_dir|1|/src/build-cuda" "$(choose "$tmp/driver" "$tmp/python-none" "$data")"
check "driver, nothing -> CPU build" "|0|/src/build" "$(choose "$tmp/driver" "$tmp/python-none" "$empty")"
contains "driver, nothing -> one line naming get-libtorch.sh" "run scripts/get-libtorch.sh" "$(cat "$tmp/line")"
check "POSEFORGE_BUILD_DIR wins" "/elsewhere" "$(POSEFORGE_BUILD_DIR=/elsewhere bash -c "source '$root/scripts/libtorch.sh'; PF_TORCH_GPU=1 poseforge_build_dir /src")"

# 4. get-libtorch.sh with a local archive: wrong checksum, resume of a partial download, then done
mkdir -p "$tmp/zip/libtorch/share/cmake/Torch" "$tmp/zip/libtorch/lib"
touch "$tmp/zip/libtorch/share/cmake/Torch/TorchConfig.cmake"
head -c 300000 /dev/urandom >"$tmp/zip/libtorch/lib/libtorch.so"  # some bytes to resume over
(cd "$tmp/zip" && python3 -c "import shutil; shutil.make_archive('archive', 'zip', '.', 'libtorch')")
archive="$tmp/zip/archive.zip"
sum="$(sha256sum "$archive" | cut -d' ' -f1)"
get() {  # get DATA SHA256
  XDG_DATA_HOME="$1" POSEFORGE_LIBTORCH_URL="file://$archive" POSEFORGE_LIBTORCH_SHA256="$2" \
    bash "$root/scripts/get-libtorch.sh" >"$tmp/get.log" 2>&1
}
gdata="$tmp/get-data"
dest="$(XDG_DATA_HOME="$gdata" bash -c "source '$root/scripts/libtorch.sh'; poseforge_fetched_libtorch")"
get "$gdata" "0000000000000000000000000000000000000000000000000000000000000000"
check "wrong checksum fails" "1" "$?"
check "wrong checksum: nothing unpacked" "no" "$([ -e "$dest" ] && echo yes || echo no)"
check "wrong checksum: download removed" "no" "$([ -e "$(dirname "$dest")/libtorch.zip.part" ] && echo yes || echo no)"
contains "wrong checksum: says expected and got" "$sum" "$(cat "$tmp/get.log")"
# resume continues a partial file, never restarts it: a partial with wrong bytes stays wrong (checksum fails)
head -c 100000 /dev/zero >"$(dirname "$dest")/libtorch.zip.part"
get "$gdata" "$sum"
check "resume keeps the partial's bytes (corrupt partial -> checksum fails)" "1" "$?"
contains "... and curl resumed at the partial's end" "100000" "$(cat "$tmp/get.log")"
head -c 100000 "$archive" >"$(dirname "$dest")/libtorch.zip.part"  # an interrupted download
get "$gdata" "$sum"
check "resumed download succeeds" "0" "$?"
check "resumed download unpacked" "yes" "$([ -f "$dest/share/cmake/Torch/TorchConfig.cmake" ] && echo yes || echo no)"
check "resumed library intact" "$(sha256sum <"$tmp/zip/libtorch/lib/libtorch.so")" "$(sha256sum <"$dest/lib/libtorch.so")"
check "archive removed after unpacking" "no" "$([ -e "$(dirname "$dest")/libtorch.zip.part" ] && echo yes || echo no)"
get "$gdata" "$sum"
contains "second run: already there" "already" "$(cat "$tmp/get.log")"
check "then chosen with a driver" "$dest/share/cmake/Torch|1|/src/build-cuda" "$(choose "$tmp/driver" "$tmp/python-none" "$gdata")"

# without unzip (Ubuntu's minimal images have none) Python's zipfile unpacks it
nounzip="$tmp/no-unzip-bin"
mkdir -p "$nounzip"
for tool in bash sh curl sha256sum cut dirname mkdir rm mv cat head ls env uname; do
  p="$(command -v "$tool" || true)"
  [ -n "$p" ] && ln -sf "$p" "$nounzip/$tool"
done
ln -sf "$(python3 -c 'import sys; print(sys.executable)')" "$nounzip/python3"  # the interpreter, not a pyenv shim
gdata2="$tmp/get-data-2"
dest2="$(XDG_DATA_HOME="$gdata2" bash -c "source '$root/scripts/libtorch.sh'; poseforge_fetched_libtorch")"
PATH="$nounzip" get "$gdata2" "$sum"
check "without unzip: unpacked by python3" "0" "$?"
check "without unzip: library intact" "$(sha256sum <"$tmp/zip/libtorch/lib/libtorch.so")" "$(sha256sum <"$dest2/lib/libtorch.so" 2>/dev/null)"

[ "$failures" -eq 0 ] && echo "all checks passed" || echo "$failures checks failed"
exit "$((failures > 0))"
