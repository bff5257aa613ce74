// PNG writing/reading with text chunks through libpng (poseforge_core: the desktop media stack).
#include "core/io/png_io.h"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include <png.h>

#include "core/error.h"
#include "core/io/atomic_write.h"

namespace poseforge::io {
namespace {

// The largest text chunk read_png_text() accepts (compressed ones: once inflated).
constexpr png_alloc_size_t kMaxTextChunkBytes = 64u << 20;

struct PngError {
  std::string message;
};

void on_error(png_structp png, png_const_charp message) {
  auto* err = static_cast<PngError*>(png_get_error_ptr(png));
  err->message = message;
  std::longjmp(png_jmpbuf(png), 1);
}

void on_warning(png_structp, png_const_charp) {}

// libpng 1.6.39 only warns when a chunk is longer than png_set_chunk_malloc_max ("chunk data is too large" is
// a benign error, a warning when reading) and then allocates the whole claimed length: a 217-byte file saying
// "tEXt, 850 MB" got 850 MB (fuzz_png_text). Refusing such an allocation makes libpng skip the chunk instead.
constexpr png_alloc_size_t kMaxAllocationBytes = kMaxTextChunkBytes + 4096;

png_voidp on_malloc(png_structp, png_alloc_size_t size) {
  return size > kMaxAllocationBytes ? nullptr : std::malloc(size);
}

void on_free(png_structp, png_voidp pointer) {
  std::free(pointer);
}

void on_write(png_structp png, png_bytep data, png_size_t size) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), size);
}

void on_flush(png_structp) {}

// Encodes into memory; everything libpng touches lives in plain storage (setjmp/longjmp safety).
bool encode(const Image& image, const std::map<std::string, std::string>& text, std::string* out, PngError* err) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, err, on_error, on_warning);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  std::vector<png_text> chunks(text.size());
  std::vector<png_bytep> rows(static_cast<std::size_t>(image.height));
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, info ? &info : nullptr);
    return false;
  }
  png_set_write_fn(png, out, on_write, on_flush);
  const int color = image.channels == 4 ? PNG_COLOR_TYPE_RGBA : image.channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB;
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width), static_cast<png_uint_32>(image.height), 8, color,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  std::size_t i = 0;
  for (const auto& [key, value] : text) {
    chunks[i].compression = PNG_ITXT_COMPRESSION_NONE;
    chunks[i].key = const_cast<char*>(key.c_str());
    chunks[i].text = const_cast<char*>(value.c_str());
    chunks[i].itxt_length = value.size();
    chunks[i].lang = nullptr;
    chunks[i].lang_key = nullptr;
    ++i;
  }
  if (!chunks.empty()) png_set_text(png, info, chunks.data(), static_cast<int>(chunks.size()));
  for (int y = 0; y < image.height; ++y) rows[static_cast<std::size_t>(y)] = const_cast<png_bytep>(image.row(y));
  png_set_rows(png, info, rows.data());
  png_write_png(png, info, PNG_TRANSFORM_IDENTITY, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

void write_png(const std::filesystem::path& path, const Image& image, const std::map<std::string, std::string>& text) {
  if (image.empty() || image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * image.channels ||
      (image.channels != 1 && image.channels != 3 && image.channels != 4)) {
    throw Error("cannot write '{}': invalid image ({}x{}, {} channels)", path.string(), image.width, image.height, image.channels);
  }
  for (const auto& [key, _] : text) {
    if (key.empty() || key.size() > 79) throw Error("cannot write '{}': PNG text key '{}' must be 1-79 characters", path.string(), key);
  }
  std::string bytes;
  PngError err;
  if (!encode(image, text, &bytes, &err)) throw Error("cannot encode '{}' as PNG: {}", path.string(), err.message);
  write_file_atomic(path, bytes);
}

// tEXt and zTXt hold Latin-1 (ISO 8859-1): each byte is the code point of the same value.
static std::string latin1_to_utf8(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::map<std::string, std::string> read_png_text(const std::filesystem::path& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw Error("cannot open '{}'", path.string());
  unsigned char sig[8] = {};
  if (std::fread(sig, 1, 8, file.get()) != 8 || png_sig_cmp(sig, 0, 8) != 0) {
    throw Error("'{}' is not a PNG file", path.string());
  }
  PngError err;
  png_structp png =
      png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &err, on_error, on_warning, nullptr, on_malloc, on_free);
  if (!png) throw Error("cannot read '{}': libpng failed to start", path.string());
  png_infop info = png_create_info_struct(png);
  std::map<std::string, std::string> out;
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
    throw Error("cannot read '{}': {}", path.string(), err.message);
  }
  // A chunk's length is taken on trust by libpng; this caps what a compressed chunk inflates to, on_malloc what
  // a chunk's claimed length allocates. No text we read comes near this; bigger chunks are skipped.
  png_set_chunk_malloc_max(png, kMaxTextChunkBytes);
  png_init_io(png, file.get());
  png_set_sig_bytes(png, 8);
  png_read_info(png, info);
  // Text chunks before the image data (where we, A1111 and ComfyUI write them).
  png_textp chunks = nullptr;
  int count = 0;
  auto collect = [&](png_infop from) {
    if (png_get_text(png, from, &chunks, &count) > 0) {
      for (int i = 0; i < count; ++i) {
        const bool itxt = chunks[i].compression > 0;
        const std::size_t len = itxt ? chunks[i].itxt_length : chunks[i].text_length;
        const std::string text(chunks[i].text, len);
        out[chunks[i].key] = itxt ? text : latin1_to_utf8(text);  // tEXt/zTXt are Latin-1 (PIL writes them so)
      }
    }
  };
  collect(info);
  png_destroy_read_struct(&png, &info, nullptr);
  return out;
}

}  // namespace poseforge::io
