#!/usr/bin/env bash
# Which libtorch PoseForge builds against (sourced by build.sh, run.sh, test.sh, get-libtorch.sh).
# Order: $POSEFORGE_LIBTORCH (a libtorch prefix, always honoured); on a machine with an NVIDIA driver, an
# installed PyTorch that has CUDA (torch.utils.cmake_prefix_path), then the libtorch that
# scripts/get-libtorch.sh fetched into the user data folder; otherwise Debian's (CPU) libtorch, with one
# line saying so and how to get the GPU build. Overridable for tests: POSEFORGE_PYTHON (python3),
# POSEFORGE_NVIDIA_DRIVER_FILE (/proc/driver/nvidia/version), XDG_DATA_HOME.

# The official CUDA libtorch for Linux (C++11 ABI) that get-libtorch.sh fetches. SHA-256 as pinned by
# nixpkgs (libtorch binary-hashes.nix, sha256-UaX47GAwyZ6UmzgY85TeAHmy3u52pBHhiyM5NAz7ens=).
POSEFORGE_LIBTORCH_VERSION="2.5.0+cu124"
POSEFORGE_LIBTORCH_DEFAULT_URL="https://download.pytorch.org/libtorch/cu124/libtorch-cxx11-abi-shared-with-deps-2.5.0%2Bcu124.zip"
POSEFORGE_LIBTORCH_DEFAULT_SHA256="51a5f8ec6030c99e949b3818f394de0079b2deee76a411e18b2339340cfb7a7b"

# Where get-libtorch.sh unpacks: <user data>/poseforge/libtorch/<version>/libtorch
poseforge_fetched_libtorch() {
  echo "${XDG_DATA_HOME:-$HOME/.local/share}/poseforge/libtorch/$POSEFORGE_LIBTORCH_VERSION/libtorch"
}

# The TorchConfig.cmake folder of a prefix (a libtorch folder or torch.utils.cmake_prefix_path); empty if none.
poseforge_torch_cmake_dir() {
  local p="$1"
  for d in "$p/share/cmake/Torch" "$p/Torch"; do
    if [ -f "$d/TorchConfig.cmake" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

# Sets PF_TORCH_DIR (TorchConfig folder, empty: Debian's), PF_TORCH_FROM (what was chosen) and
# PF_TORCH_GPU (1: a CUDA libtorch). Prints one line on stderr. Returns 1 for a POSEFORGE_LIBTORCH without Torch.
poseforge_choose_libtorch() {
  PF_TORCH_DIR="" PF_TORCH_FROM="Debian's libtorch (CPU)" PF_TORCH_GPU=0
  if [ -n "${POSEFORGE_LIBTORCH:-}" ]; then
    if ! PF_TORCH_DIR="$(poseforge_torch_cmake_dir "$POSEFORGE_LIBTORCH")"; then
      echo "libtorch: POSEFORGE_LIBTORCH=$POSEFORGE_LIBTORCH holds no share/cmake/Torch/TorchConfig.cmake (expected a libtorch folder)" >&2
      return 1
    fi
    PF_TORCH_FROM="POSEFORGE_LIBTORCH ($POSEFORGE_LIBTORCH)" PF_TORCH_GPU=1
    echo "libtorch: $PF_TORCH_FROM" >&2
    return 0
  fi
  local driver="${POSEFORGE_NVIDIA_DRIVER_FILE:-/proc/driver/nvidia/version}"
  if [ ! -e "$driver" ]; then
    echo "libtorch: no NVIDIA driver: building the CPU version; on a GPU machine scripts/get-libtorch.sh (or POSEFORGE_LIBTORCH=<libtorch folder>) gives the GPU one" >&2
    return 0
  fi
  local py="${POSEFORGE_PYTHON:-python3}" prefix
  if prefix="$("$py" -c 'import torch; print(torch.utils.cmake_prefix_path if torch.version.cuda else "")' 2>/dev/null)" &&
    [ -n "$prefix" ] && PF_TORCH_DIR="$(poseforge_torch_cmake_dir "$prefix")"; then
    PF_TORCH_FROM="the installed PyTorch with CUDA ($prefix)" PF_TORCH_GPU=1
    echo "libtorch: $PF_TORCH_FROM" >&2
    return 0
  fi
  if PF_TORCH_DIR="$(poseforge_torch_cmake_dir "$(poseforge_fetched_libtorch)")"; then
    PF_TORCH_FROM="scripts/get-libtorch.sh's $POSEFORGE_LIBTORCH_VERSION ($(poseforge_fetched_libtorch))" PF_TORCH_GPU=1
    echo "libtorch: $PF_TORCH_FROM" >&2
    return 0
  fi
  PF_TORCH_DIR=""
  echo "libtorch: an NVIDIA GPU but no CUDA libtorch: building the CPU version; for the GPU one run scripts/get-libtorch.sh (about 2.5 GB, once) or set POSEFORGE_LIBTORCH=<libtorch folder>" >&2
  return 0
}

# The build folder: $POSEFORGE_BUILD_DIR, else build-cuda for a CUDA libtorch and build for Debian's.
poseforge_build_dir() {
  local root="$1"
  if [ -n "${POSEFORGE_BUILD_DIR:-}" ]; then
    echo "$POSEFORGE_BUILD_DIR"
  elif [ "${PF_TORCH_GPU:-0}" = 1 ]; then
    echo "$root/build-cuda"
  else
    echo "$root/build"
  fi
}
