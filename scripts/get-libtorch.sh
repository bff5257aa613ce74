#!/usr/bin/env bash
# Fetches the official CUDA libtorch (Linux, C++11 ABI; version and SHA-256 pinned in scripts/libtorch.sh)
# into the user data folder, for the GPU build: scripts/run.sh and scripts/test.sh pick it up afterwards.
# Run it only when you want it (about 2.5 GB). Resumable: an interrupted download continues where it
# stopped (curl -C -). Nothing is unpacked unless the checksum matches. Overrides (tests, mirrors):
# POSEFORGE_LIBTORCH_URL, POSEFORGE_LIBTORCH_SHA256, XDG_DATA_HOME.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/libtorch.sh"
url="${POSEFORGE_LIBTORCH_URL:-$POSEFORGE_LIBTORCH_DEFAULT_URL}"
sha="${POSEFORGE_LIBTORCH_SHA256:-$POSEFORGE_LIBTORCH_DEFAULT_SHA256}"
dest="$(poseforge_fetched_libtorch)"
if poseforge_torch_cmake_dir "$dest" >/dev/null; then
  echo "get-libtorch: libtorch $POSEFORGE_LIBTORCH_VERSION is already in $dest"
  exit 0
fi
# The unpacker is chosen before the 2.5 GB download: unzip, else Python's zipfile module.
if command -v unzip >/dev/null; then
  unpack() { unzip -q "$1" -d "$2"; }
elif command -v python3 >/dev/null; then
  unpack() { python3 -m zipfile -e "$1" "$2"; }
else
  echo "get-libtorch: needs unzip or python3 to unpack the archive (Debian/Ubuntu: sudo apt-get install unzip)" >&2
  exit 1
fi
dir="$(dirname "$dest")"
mkdir -p "$dir"
archive="$dir/libtorch.zip.part"
echo "get-libtorch: $url -> $archive"
# A complete .part makes curl's resume fail (nothing left to fetch): the checksum decides.
curl -fL --retry 3 -C - -o "$archive" "$url" || echo "get-libtorch: curl stopped (exit $?); checking what arrived"
got="$(sha256sum "$archive" | cut -d' ' -f1)"
if [ "$got" != "$sha" ]; then
  echo "get-libtorch: SHA-256 of $archive is $got, expected $sha: removed it; run again to download afresh" >&2
  rm -f "$archive"
  exit 1
fi
rm -rf "$dir/unpacking"
mkdir -p "$dir/unpacking"
unpack "$archive" "$dir/unpacking"
if ! poseforge_torch_cmake_dir "$dir/unpacking/libtorch" >/dev/null; then
  echo "get-libtorch: the archive holds no libtorch/share/cmake/Torch/TorchConfig.cmake" >&2
  exit 1
fi
mv "$dir/unpacking/libtorch" "$dest"
rm -rf "$dir/unpacking" "$archive"
echo "get-libtorch: libtorch $POSEFORGE_LIBTORCH_VERSION in $dest; scripts/run.sh now builds the GPU version"
