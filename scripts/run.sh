#!/usr/bin/env bash
# Sets up, builds and starts the PoseForge desktop app. With no real models configured (see
# models/README.md) the app makes a tiny demo model set once and starts on it: everything runs, the
# pictures are noise. Arguments go to the app (e.g. --models DIR).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/build.sh"
source "$root/scripts/libtorch.sh"
poseforge_choose_libtorch 2>/dev/null  # the choice build.sh made (and printed)
build="$(poseforge_build_dir "$root")"
exec "$build/app/poseforge" --demo-models-if-missing "$@"
