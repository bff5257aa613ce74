#!/usr/bin/env bash
# Installs the Debian packages PoseForge builds, tests and runs with. Idempotent: it skips apt
# entirely when every package is already installed, and runs `apt-get update` at most once.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev
  libqcustomplot-dev libqcustomplot2.1-qt6
  libopencv-dev libpng-dev
  libopenblas0-pthread
  libspdlog-dev libfmt-dev nlohmann-json3-dev
  libicu-dev
  libgtest-dev libgmock-dev
  xvfb xauth
  curl unzip
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
