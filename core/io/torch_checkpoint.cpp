// Torch checkpoint reader: zip container via libtorch's PyTorchStreamReader, legacy stream by hand,
// both through the restricted unpickler in pickle.cpp.
#include "core/io/torch_checkpoint.h"

#include <cstring>
#include <fstream>
#include <map>

#include <caffe2/serialize/inline_container.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/io/mapped_file.h"
#include "core/io/pickle.h"

namespace poseforge::io {
namespace {

using Kind = PickleValue::Kind;

// Legacy files start with this number pickled as a LONG1 (torch/serialization.py MAGIC_NUMBER).
constexpr std::uint8_t kLegacyMagic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};

const std::map<std::string, torch::ScalarType>& storage_types() {
  static const std::map<std::string, torch::ScalarType> table = {
      {"torch.DoubleStorage", torch::kFloat64}, {"torch.FloatStorage", torch::kFloat32},
      {"torch.HalfStorage", torch::kFloat16},   {"torch.BFloat16Storage", torch::kBFloat16},
      {"torch.LongStorage", torch::kInt64},     {"torch.IntStorage", torch::kInt32},
      {"torch.ShortStorage", torch::kInt16},    {"torch.CharStorage", torch::kInt8},
      {"torch.ByteStorage", torch::kUInt8},     {"torch.BoolStorage", torch::kBool},
  };
  return table;
}

const char* const kAllowedCalls[] = {
    "collections.OrderedDict",          "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor",     "torch._utils._rebuild_parameter",
    "torch._tensor._rebuild_from_type_v2", "torch.nn.parameter.Parameter",
};

std::int64_t as_int(const PickleValue& v, const std::string& what, const std::string& where) {
  if (v.kind != Kind::Int) throw Error("{}: {} must be an int, got {}", where, what, v.kind_name());
  return v.integer;
}

std::vector<std::int64_t> as_ints(const PickleValue& v, const std::string& what, const std::string& where) {
  if (v.kind != Kind::Tuple && v.kind != Kind::List) {
    throw Error("{}: {} must be a tuple of ints, got {}", where, what, v.kind_name());
  }
  std::vector<std::int64_t> out;
  for (const auto& item : v.items) out.push_back(as_int(*item, what, where));
  return out;
}

// _rebuild_tensor(_v2)(storage, storage_offset, size, stride, ...)
PickleRef rebuild_tensor(const PickleValue& args, const std::string& where) {
  if (args.items.size() < 4 || args.items[0]->kind != Kind::Tensor) {
    throw Error("{}: _rebuild_tensor_v2 expects (storage, offset, size, stride, ...)", where);
  }
  const torch::Tensor& storage = args.items[0]->tensor;
  // A storage is 1-D and contiguous (a typed storage, or a legacy view of one). Anything else (a tensor
  // rebuilt earlier, say, whose numel need not match the memory behind it) cannot be bounds-checked here.
  if (storage.dim() != 1 || storage.stride(0) != 1) {
    throw Error("{}: _rebuild_tensor_v2 expects a storage, got a tensor of size {}", where,
                format_shape(storage.sizes()));
  }
  const auto offset = as_int(*args.items[1], "storage offset", where);
  const auto size = as_ints(*args.items[2], "tensor size", where);
  const auto stride = as_ints(*args.items[3], "tensor stride", where);
  if (size.size() != stride.size()) {
    throw Error("{}: tensor size {} and stride {} differ in rank", where, format_shape(size), format_shape(stride));
  }
  std::int64_t last = offset;
  bool empty = false;
  bool overflow = false;
  std::int64_t numel = 1;
  for (std::size_t i = 0; i < size.size(); ++i) {
    if (size[i] < 0 || stride[i] < 0) throw Error("{}: negative tensor size or stride", where);
    if (size[i] == 0) empty = true;
    std::int64_t span = 0;
    overflow = overflow || __builtin_mul_overflow(size[i] == 0 ? 0 : size[i] - 1, stride[i], &span) ||
               __builtin_add_overflow(last, span, &last) || __builtin_mul_overflow(numel, size[i], &numel);
  }
  if (overflow)
    throw Error("{}: tensor of size {} and stride {} is too large (it runs past its storage of {} elements)", where,
                format_shape(size), format_shape(stride), storage.numel());
  if (offset < 0 || (!empty && last >= storage.numel())) {
    throw Error("{}: tensor of size {} at offset {} runs past its storage of {} elements", where,
                format_shape(size), offset, storage.numel());
  }
  if (empty) return PickleValue::make_tensor(torch::empty(size, storage.options()));
  // as_strided counts from the start of the memory; a legacy storage view starts further in.
  return PickleValue::make_tensor(storage.as_strided(size, stride, storage.storage_offset() + offset));
}

class CheckpointReader {
 public:
  explicit CheckpointReader(std::filesystem::path path)
      : path_(std::move(path)), where_("torch checkpoint '" + path_.string() + "'") {}

  TensorMap read() {
    auto file = MappedFile::open(path_);
    file_size_ = file->size();
    const bool zip = file->size() >= 4 && std::memcmp(file->data(), "PK\x03\x04", 4) == 0;
    PickleRef root = zip ? read_zip() : read_legacy(*file);
    if (root->kind != Kind::Dict) {
      throw Error("{}: expected a dict of tensors (a state dict), found a {}", where_, root->kind_name());
    }
    TensorMap out;
    flatten(*root, "", out);
    if (out.empty()) throw Error("{}: holds no tensors", where_);
    return out;
  }

 private:
  PickleHooks hooks() {
    PickleHooks h;
    h.find_class = [this](const std::string& module, const std::string& name) {
      const std::string full = module + "." + name;
      bool allowed = storage_types().count(full) != 0;
      for (const char* c : kAllowedCalls) allowed = allowed || full == c;
      if (!allowed) {
        throw Error("{}: refuses the pickle global '{}': only plain tensor state dicts are read "
                    "(no code is run from checkpoint files)",
                    where_, full);
      }
      auto v = PickleValue::make(Kind::Global);
      v->text = full;
      return v;
    };
    h.call = [this](const PickleValue& callable, const PickleValue& args) { return call(callable, args); };
    h.persistent_load = [this](const PickleValue& pid) { return persistent_load(pid); };
    return h;
  }

  PickleRef call(const PickleValue& callable, const PickleValue& args) {
    const std::string& f = callable.text;
    if (f == "collections.OrderedDict") return PickleValue::make(Kind::Dict);
    if (f == "torch._utils._rebuild_tensor_v2" || f == "torch._utils._rebuild_tensor") {
      return rebuild_tensor(args, where_);
    }
    if (f == "torch._utils._rebuild_parameter" || f == "torch.nn.parameter.Parameter") {
      if (args.items.empty() || args.items[0]->kind != Kind::Tensor) {
        throw Error("{}: {} expects a tensor", where_, f);
      }
      return args.items[0];
    }
    if (f == "torch._tensor._rebuild_from_type_v2") {  // (func, new_type, args, state)
      if (args.items.size() < 3 || args.items[0]->kind != Kind::Global) {
        throw Error("{}: malformed _rebuild_from_type_v2", where_);
      }
      return call(*args.items[0], *args.items[2]);
    }
    throw Error("{}: cannot call '{}'", where_, f);
  }

  // pid: ('storage', storage_type, key, location, numel[, view_metadata])
  PickleRef persistent_load(const PickleValue& pid) {
    if (pid.kind != Kind::Tuple || pid.items.size() < 5 || pid.items[0]->kind != Kind::String ||
        pid.items[0]->text != "storage" || pid.items[1]->kind != Kind::Global ||
        pid.items[2]->kind != Kind::String) {
      throw Error("{}: unsupported persistent id (expected ('storage', type, key, location, numel))", where_);
    }
    auto type = storage_types().find(pid.items[1]->text);
    if (type == storage_types().end()) {
      throw Error("{}: '{}' is not a typed storage", where_, pid.items[1]->text);
    }
    const std::string& key = pid.items[2]->text;
    const std::int64_t numel = as_int(*pid.items[4], "storage size", where_);
    if (numel < 0) throw Error("{}: storage '{}' has negative size {}", where_, key, numel);
    // Never more elements than the file has bytes for (before anything is allocated for them).
    if (static_cast<std::uint64_t>(numel) > file_size_ / c10::elementSize(type->second)) {
      throw Error("{}: storage '{}' claims {} elements, more than the {}-byte file holds", where_, key, numel,
                  file_size_);
    }
    auto it = storages_.find(key);
    if (it == storages_.end()) {
      it = storages_.emplace(key, load_storage(key, type->second, numel)).first;
    } else if (it->second.scalar_type() != type->second || it->second.numel() != numel) {
      throw Error("{}: storage '{}' is referenced with two different types or sizes", where_, key);
    }
    torch::Tensor storage = it->second;
    if (pid.items.size() >= 6 && pid.items[5]->kind == Kind::Tuple) {  // legacy storage view
      const auto& view = pid.items[5]->items;
      if (view.size() != 3) throw Error("{}: malformed storage view of '{}'", where_, key);
      const auto offset = as_int(*view[1], "view offset", where_);
      const auto size = as_int(*view[2], "view size", where_);
      if (offset < 0 || size < 0 || offset + size > numel) {
        throw Error("{}: storage view [{}, +{}] outside storage '{}'", where_, offset, size, key);
      }
      storage = storage.narrow(0, offset, size);
    }
    return PickleValue::make_tensor(storage);
  }

  torch::Tensor load_storage(const std::string& key, torch::ScalarType dtype, std::int64_t numel) {
    if (!zip_) {  // legacy: the bytes follow the pickles; filled in by read_legacy
      return torch::empty({numel}, torch::TensorOptions().dtype(dtype));
    }
    const std::string record = "data/" + key;
    if (!zip_->hasRecord(record)) throw Error("{}: missing storage record '{}'", where_, record);
    auto [data, size] = zip_->getRecord(record);
    const std::size_t needed = static_cast<std::size_t>(numel) * c10::elementSize(dtype);
    if (size < needed) {
      throw Error("{}: storage record '{}' has {} bytes, its tensor needs {}", where_, record, size, needed);
    }
    auto holder = std::make_shared<at::DataPtr>(std::move(data));
    void* ptr = holder->get();
    if (numel == 0) return torch::empty({0}, torch::TensorOptions().dtype(dtype));
    return torch::from_blob(ptr, {numel}, [holder](void*) {}, torch::TensorOptions().dtype(dtype));
  }

  PickleRef read_zip() {
    try {
      zip_ = std::make_unique<caffe2::serialize::PyTorchStreamReader>(path_.string());
    } catch (...) {
      rethrow_with_context(where_ + ": not a readable zip archive");
    }
    if (!zip_->hasRecord("data.pkl")) throw Error("{}: zip archive has no data.pkl", where_);
    at::DataPtr pkl;
    std::size_t size = 0;
    try {
      std::tie(pkl, size) = zip_->getRecord("data.pkl");
    } catch (...) {
      rethrow_with_context(where_ + ": reading data.pkl");
    }
    const auto h = hooks();
    try {
      return unpickle(static_cast<const std::uint8_t*>(pkl.get()), size, h, where_ + " (data.pkl)");
    } catch (const Error&) {
      throw;
    } catch (...) {
      rethrow_with_context(where_);
    }
  }

  PickleRef read_legacy(const MappedFile& file) {
    const std::uint8_t* data = file.data();
    const std::size_t size = file.size();
    std::size_t pos = 0;
    PickleHooks plain;  // the header pickles need no globals
    auto next = [&](const PickleHooks& h) {
      std::size_t used = 0;
      auto v = unpickle(data + pos, size - pos, h, where_, &used);
      pos += used;
      return v;
    };
    PickleRef magic;
    try {
      magic = next(plain);
    } catch (const Error&) {
      throw Error("{}: neither a zip archive nor a legacy torch pickle", where_);
    }
    if (magic->kind != Kind::BigInt || magic->text.size() != sizeof kLegacyMagic ||
        std::memcmp(magic->text.data(), kLegacyMagic, sizeof kLegacyMagic) != 0) {
      throw Error("{}: neither a zip archive nor a legacy torch pickle (wrong magic number)", where_);
    }
    auto protocol = next(plain);
    if (protocol->kind != Kind::Int || protocol->integer != 1001) {
      throw Error("{}: unsupported legacy protocol version", where_);
    }
    next(plain);  // sys_info: {'protocol_version', 'little_endian', 'type_sizes'}
    const auto h = hooks();
    PickleRef root;
    try {
      root = next(h);
    } catch (const Error&) {
      throw;
    } catch (...) {
      rethrow_with_context(where_);
    }
    auto keys = next(plain);
    if (keys->kind != Kind::List) throw Error("{}: malformed legacy storage key list", where_);
    for (const auto& k : keys->items) {
      if (k->kind != Kind::String) throw Error("{}: malformed legacy storage key", where_);
      auto it = storages_.find(k->text);
      if (it == storages_.end()) throw Error("{}: storage '{}' is listed but never used", where_, k->text);
      if (size - pos < 8) throw Error("{}: truncated before storage '{}'", where_, k->text);
      std::uint64_t numel = 0;
      for (int i = 7; i >= 0; --i) numel = (numel << 8) | data[pos + i];
      pos += 8;
      torch::Tensor& t = it->second;
      if (numel != static_cast<std::uint64_t>(t.numel())) {
        throw Error("{}: storage '{}' holds {} elements, the pickle says {}", where_, k->text, numel, t.numel());
      }
      const std::size_t bytes = numel * t.element_size();
      if (size - pos < bytes) {
        throw Error("{}: truncated in storage '{}' ({} bytes needed, {} left)", where_, k->text, bytes, size - pos);
      }
      std::memcpy(t.data_ptr(), data + pos, bytes);
      pos += bytes;
    }
    if (keys->items.size() != storages_.size()) {
      throw Error("{}: {} storages used but {} stored", where_, storages_.size(), keys->items.size());
    }
    return root;
  }

  void flatten(const PickleValue& dict, const std::string& prefix, TensorMap& out, int depth = 0) {
    constexpr int kMaxDepth = 64;  // state dicts nest a few levels; deeper is malformed (or hostile)
    if (depth > kMaxDepth) throw Error("{}: dicts nested deeper than {} levels under '{}'", where_, kMaxDepth, prefix);
    for (const auto& [k, v] : dict.entries) {
      std::string key;
      if (k->kind == Kind::String) {
        key = k->text;
      } else if (k->kind == Kind::Int) {
        key = std::to_string(k->integer);
      } else {
        throw Error("{}: dict key of type {} under '{}'", where_, k->kind_name(), prefix);
      }
      const std::string name = prefix.empty() ? key : prefix + "." + key;
      if (v->kind == Kind::Tensor) {
        if (!out.emplace(name, v->tensor).second) throw Error("{}: duplicate tensor name '{}'", where_, name);
      } else if (v->kind == Kind::Dict) {
        flatten(*v, name, out, depth + 1);
      } else {
        spdlog::debug("{}: skipping non-tensor entry '{}' ({})", where_, name, v->kind_name());
      }
    }
  }

  std::filesystem::path path_;
  std::string where_;
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> zip_;
  std::map<std::string, torch::Tensor> storages_;
  std::uint64_t file_size_ = 0;
};

}  // namespace

TensorMap load_torch_checkpoint(const std::filesystem::path& path) {
  return CheckpointReader(path).read();
}

bool looks_like_torch_checkpoint(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char head[4] = {};
  if (!in.read(head, 4)) return false;
  if (std::memcmp(head, "PK\x03\x04", 4) == 0) return true;
  return static_cast<unsigned char>(head[0]) == 0x80 && static_cast<unsigned char>(head[2]) == 0x8a;
}

}  // namespace poseforge::io
