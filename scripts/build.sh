#!/usr/bin/env bash
# Sets up the Debian packages (once) and builds PoseForge (Release, Ninja) into ./build, or into
# ./build-cuda against a CUDA libtorch when scripts/libtorch.sh finds one (POSEFORGE_LIBTORCH, an installed
# PyTorch with CUDA, scripts/get-libtorch.sh's). Extra arguments go to CMake's configure step.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
source "$root/scripts/libtorch.sh"
poseforge_choose_libtorch
build="$(poseforge_build_dir "$root")"
torch_args=()
if [ -n "$PF_TORCH_DIR" ]; then torch_args=(-DTorch_DIR="$PF_TORCH_DIR"); fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release ${torch_args[@]+"${torch_args[@]}"} "$@"
cmake --build "$build" -j "$(nproc)"
