#!/usr/bin/env bash
# Builds the Debian package (cpack -G DEB), checks it (lintian: no errors; appstreamcli validate; desktop-file-
# validate), installs it with apt-get, runs the installed `poseforge-cli info` and `poseforge --screenshot`
# (under xvfb-run), checks that the app finds its share files, and removes the package again.
#   scripts/test-deb.sh            (needs root or sudo; build folder: $POSEFORGE_BUILD_DIR, default ./build)
# Leaves the package in the build folder and the screenshot in $POSEFORGE_DEB_OUT (default build/deb-test).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${POSEFORGE_BUILD_DIR:-$root/build}"
out="${POSEFORGE_DEB_OUT:-$build/deb-test}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

bash "$root/scripts/setup.sh"
need=()
for p in lintian appstream desktop-file-utils xvfb xauth; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi

# Only what the package holds is built (CMAKE_SKIP_INSTALL_ALL_DEPENDENCY: cpack does not build the tests).
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON
cmake --build "$build" --target poseforge poseforge-cli poseforge_package_docs -j "$(nproc)"
rm -f "$build"/poseforge_*.deb
(cd "$build" && cpack -G DEB)
deb="$(ls "$build"/poseforge_*.deb)"
echo "== package: $deb"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
dpkg-deb --contents "$deb" | awk '{print $6}'

echo "== checks"
appstreamcli validate --no-net "$root/packaging/io.github.poseforge.PoseForge.metainfo.xml"
desktop-file-validate "$root/packaging/io.github.poseforge.PoseForge.desktop"
lintian_log="$(mktemp)"
lintian --tag-display-limit 0 "$deb" | tee "$lintian_log" || true
if grep -q '^E:' "$lintian_log"; then
  echo "test-deb: lintian reports errors" >&2
  exit 1
fi

echo "== install"
$SUDO apt-get install -y "$deb"
trap '$SUDO apt-get remove -y poseforge >/dev/null 2>&1 || true' EXIT
for f in /usr/bin/poseforge /usr/bin/poseforge-cli /usr/share/poseforge/models/README.md \
         /usr/share/applications/io.github.poseforge.PoseForge.desktop /usr/share/man/man1/poseforge-cli.1.gz \
         /usr/share/doc/poseforge/copyright /usr/share/doc/poseforge/changelog.gz \
         /usr/share/metainfo/io.github.poseforge.PoseForge.metainfo.xml \
         /usr/share/icons/hicolor/scalable/apps/io.github.poseforge.PoseForge.svg; do
  [ -f "$f" ] || { echo "test-deb: $f is not installed" >&2; exit 1; }
done
man -l /usr/share/man/man1/poseforge-cli.1.gz 2>/dev/null | head -3 || true
mkdir -p "$out"
home="$(mktemp -d)"
# A fresh user: no settings, no models (HOME, XDG and POSEFORGE_DATA_DIR point at an empty folder).
run_user() { env -u POSEFORGE_MODELS HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" "$@"; }
(cd / && run_user /usr/bin/poseforge-cli --version && run_user /usr/bin/poseforge-cli info) | tee "$out/info.txt"
grep -q "^PoseForge " "$out/info.txt"
readme="$(cd / && run_user QT_QPA_PLATFORM=offscreen /usr/bin/poseforge --print-models-readme)"
echo "the app's models guide: $readme"
[ "$readme" = /usr/share/poseforge/models/README.md ] || { echo "test-deb: the app does not find its installed README" >&2; exit 1; }
(cd / && run_user xvfb-run -a /usr/bin/poseforge --demo-models-if-missing --screenshot "$out/screenshot.png" \
   --screenshot-after-ms 1500)
[ -s "$out/screenshot.png" ] || { echo "test-deb: no screenshot" >&2; exit 1; }
echo "screenshot: $out/screenshot.png"

echo "== remove"
$SUDO apt-get remove -y poseforge
trap - EXIT
left=()
for f in /usr/bin/poseforge /usr/bin/poseforge-cli /usr/share/poseforge /usr/share/doc/poseforge \
         /usr/share/applications/io.github.poseforge.PoseForge.desktop; do
  [ ! -e "$f" ] || left+=("$f")
done
if [ ${#left[@]} -gt 0 ]; then
  echo "test-deb: left behind after removal: ${left[*]}" >&2
  exit 1
fi
dpkg-query -W poseforge 2>/dev/null | grep -q . && dpkg-query -W -f='${Status}\n' poseforge | grep -q "deinstall\|not-installed" || true
echo "test-deb: OK (built, checked, installed, ran, removed)"
