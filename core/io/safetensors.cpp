// safetensors reader (validating, zero-copy over mmap) and atomic writer.
#include "core/io/safetensors.h"

#include <algorithm>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>
#include <torch/torch.h>
#include <torch/version.h>

#include "core/error.h"
#include "core/io/atomic_write.h"
#include "core/io/lfs_pointer.h"

namespace poseforge::io {
namespace {

constexpr std::uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;

struct DtypeName {
  const char* name;
  torch::ScalarType type;
};

const std::vector<DtypeName>& dtype_table() {
  static const std::vector<DtypeName> table = {
      {"F64", torch::kFloat64}, {"F32", torch::kFloat32}, {"F16", torch::kFloat16},
      {"BF16", torch::kBFloat16}, {"I64", torch::kInt64}, {"I32", torch::kInt32},
      {"I16", torch::kInt16},   {"I8", torch::kInt8},     {"U8", torch::kUInt8},
      {"BOOL", torch::kBool},
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
      {"F8_E4M3", torch::kFloat8_e4m3fn}, {"F8_E5M2", torch::kFloat8_e5m2},
#endif
  };
  return table;
}

torch::ScalarType parse_dtype(const std::string& name, const std::string& where) {
  for (const auto& d : dtype_table()) {
    if (name == d.name) return d.type;
  }
  static const char* known_unsupported[] = {"U16", "U32", "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4"};
  for (const char* n : known_unsupported) {
    if (name == n) throw Error("{}: dtype '{}' is not supported by this build of libtorch", where, name);
  }
  throw Error("{}: unknown dtype '{}'", where, name);
}

std::uint64_t read_u64_le(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

std::string dtype_name(torch::ScalarType dtype) {
  for (const auto& d : dtype_table()) {
    if (d.type == dtype) return d.name;
  }
  return c10::toString(dtype);
}

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path)
    : file_((check_not_lfs_pointer(path, "a safetensors weights file"), MappedFile::open(path))) {
  const std::string where = "safetensors file '" + path.string() + "'";
  const std::uint64_t size = file_->size();
  if (size < 8) {
    throw Error("{}: truncated: {} bytes, need at least 8 for the header length", where, size);
  }
  const std::uint64_t header_len = read_u64_le(file_->data());
  if (header_len > kMaxHeaderBytes) {
    throw Error("{}: header length {} exceeds the 100 MB limit (not a safetensors file?)", where, header_len);
  }
  if (header_len > size - 8) {
    throw Error("{}: header length {} runs past the end of the file ({} bytes): truncated?", where,
                header_len, size);
  }
  data_start_ = 8 + header_len;
  const std::uint64_t data_size = size - data_start_;

  nlohmann::json header;
  try {
    header = nlohmann::json::parse(file_->data() + 8, file_->data() + 8 + header_len);
  } catch (const nlohmann::json::exception& e) {
    throw Error("{}: header is not valid JSON: {}", where, e.what());
  }
  if (!header.is_object()) {
    throw Error("{}: header must be a JSON object, got {}", where, header.type_name());
  }

  std::vector<std::pair<std::uint64_t, std::string>> by_offset;
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") {
      if (!value.is_object()) throw Error("{}: __metadata__ must be an object", where);
      for (const auto& [k, v] : value.items()) {
        if (!v.is_string()) throw Error("{}: __metadata__['{}'] must be a string", where, k);
        metadata_[k] = v.get<std::string>();
      }
      continue;
    }
    const std::string at = where + ", tensor '" + name + "'";
    if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") ||
        !value.contains("data_offsets")) {
      throw Error("{}: entry must be an object with dtype, shape and data_offsets", at);
    }
    const auto& jd = value["dtype"];
    const auto& js = value["shape"];
    const auto& jo = value["data_offsets"];
    if (!jd.is_string()) throw Error("{}: dtype must be a string", at);
    if (!js.is_array()) throw Error("{}: shape must be an array", at);
    if (!jo.is_array() || jo.size() != 2 || !jo[0].is_number_unsigned() || !jo[1].is_number_unsigned()) {
      throw Error("{}: data_offsets must be [begin, end] with non-negative integers", at);
    }
    SafetensorsEntry entry;
    entry.dtype = parse_dtype(jd.get<std::string>(), at);
    std::uint64_t numel = 1;
    for (const auto& d : js) {
      if (!d.is_number_unsigned()) throw Error("{}: shape {} has a non-integer or negative size", at, js.dump());
      const auto n = d.get<std::uint64_t>();
      // Each size must fit libtorch's int64 sizes, even next to a 0 that makes the product 0.
      if (n > (std::uint64_t{1} << 62) || (n != 0 && numel > (std::uint64_t{1} << 62) / n)) {
        throw Error("{}: shape {} is too large", at, js.dump());
      }
      numel *= n;
      entry.shape.push_back(static_cast<std::int64_t>(n));
    }
    entry.begin = jo[0].get<std::uint64_t>();
    entry.end = jo[1].get<std::uint64_t>();
    if (entry.begin > entry.end) {
      throw Error("{}: data_offsets [{}, {}] are reversed", at, entry.begin, entry.end);
    }
    if (entry.end > data_size) {
      throw Error("{}: data_offsets [{}, {}] run past the end of the data ({} bytes): truncated?", at,
                  entry.begin, entry.end, data_size);
    }
    const std::uint64_t expected = numel * c10::elementSize(entry.dtype);
    if (entry.end - entry.begin != expected) {
      throw Error("{}: shape {} of {} needs {} bytes but data_offsets [{}, {}] span {}", at,
                  format_shape(entry.shape), jd.get<std::string>(), expected, entry.begin, entry.end,
                  entry.end - entry.begin);
    }
    by_offset.emplace_back(entry.begin, name);
    entries_.emplace(name, std::move(entry));
  }
  std::sort(by_offset.begin(), by_offset.end());
  std::uint64_t reach = 0;  // furthest end seen so far, and whose it is
  std::string reach_name;
  for (const auto& [begin, name] : by_offset) {
    const auto& cur = entries_.at(name);
    if (cur.end > cur.begin && cur.begin < reach) {
      const auto& other = entries_.at(reach_name);
      throw Error("{}: tensors '{}' [{}, {}] and '{}' [{}, {}] overlap", where, reach_name, other.begin,
                  other.end, name, cur.begin, cur.end);
    }
    if (cur.end > reach) {
      reach = cur.end;
      reach_name = name;
    }
    names_.push_back(name);
  }
}

const SafetensorsEntry& SafetensorsFile::entry(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    throw Error("safetensors file '{}' has no tensor '{}'", path().string(), name);
  }
  return it->second;
}

torch::Tensor SafetensorsFile::tensor(const std::string& name) const {
  const SafetensorsEntry& e = entry(name);
  auto options = torch::TensorOptions().dtype(e.dtype).device(torch::kCPU);
  const std::uint8_t* ptr = file_->data() + data_start_ + e.begin;
  const auto item = c10::elementSize(e.dtype);
  if (e.end == e.begin) {
    return torch::empty(e.shape, options);
  }
  if (reinterpret_cast<std::uintptr_t>(ptr) % item != 0) {
    // Misaligned for its dtype: copy into an aligned tensor.
    auto t = torch::empty(e.shape, options);
    std::memcpy(t.data_ptr(), ptr, e.end - e.begin);
    return t;
  }
  auto keep_alive = file_;
  return torch::from_blob(const_cast<std::uint8_t*>(ptr), e.shape, [keep_alive](void*) {}, options);
}

TensorMap SafetensorsFile::tensors() const {
  TensorMap out;
  for (const auto& name : names_) out.emplace(name, tensor(name));
  return out;
}

void write_safetensors(const std::filesystem::path& path, const TensorMap& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<torch::Tensor> blobs;
  std::uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    if (!t.defined()) throw Error("cannot write '{}': tensor '{}' is undefined", path.string(), name);
    auto c = t.detach().to(torch::kCPU).contiguous();
    const std::uint64_t bytes = c.numel() * c.element_size();
    header[name] = {{"dtype", dtype_name(c.scalar_type())},
                    {"shape", c.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    blobs.push_back(std::move(c));
  }
  std::string text = header.dump();
  while ((text.size() % 8) != 0) text.push_back(' ');  // keep the data 8-byte aligned
  std::uint8_t len[8];
  std::uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) len[i] = static_cast<std::uint8_t>((n >> (8 * i)) & 0xff);

  AtomicWriter writer(path);
  writer.write(len, 8);
  writer.write(text);
  for (const auto& c : blobs) writer.write(c.data_ptr(), c.numel() * c.element_size());
  writer.commit();
}

bool looks_like_safetensors(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::uint8_t head[9] = {};
  if (!in.read(reinterpret_cast<char*>(head), 9)) return false;
  const std::uint64_t len = read_u64_le(head);
  return len > 0 && len <= kMaxHeaderBytes && head[8] == '{';
}

}  // namespace poseforge::io
