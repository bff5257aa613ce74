#!/usr/bin/env bash
# Writes the JPEG, WebP and TIFF seeds of the image harness with OpenCV's encoders (the formats Python's
# standard library cannot write), then runs make_corpus.py for the rest.  Usage: tests/fuzz/make_image_seeds.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/seeds.cpp" <<'CPP'
#include <opencv2/imgcodecs.hpp>
#include <string>
int main(int, char** argv) {
  const std::string dir = argv[1];
  cv::Mat bgr(3, 4, CV_8UC3), bgra(2, 2, CV_8UC4), grey(2, 3, CV_8UC1);
  cv::randu(bgr, 0, 255);
  cv::randu(bgra, 0, 255);
  cv::randu(grey, 0, 255);
  cv::imwrite(dir + "/rgb.jpg", bgr, {cv::IMWRITE_JPEG_QUALITY, 50});
  cv::imwrite(dir + "/grey-progressive.jpg", grey, {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
  cv::imwrite(dir + "/rgb.webp", bgr, {cv::IMWRITE_WEBP_QUALITY, 50});
  cv::imwrite(dir + "/rgba-lossless.webp", bgra, {cv::IMWRITE_WEBP_QUALITY, 101});
  cv::imwrite(dir + "/rgba.tiff", bgra);
  return 0;
}
CPP
g++ -std=c++17 -O0 "$tmp/seeds.cpp" -o "$tmp/seeds" $(pkg-config --cflags --libs opencv4)
mkdir "$tmp/out"
"$tmp/seeds" "$tmp/out"
python3 "$here/make_corpus.py" --opencv-seeds "$tmp/out"
