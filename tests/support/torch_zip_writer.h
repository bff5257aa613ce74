// Writes a torch.save-style zip checkpoint ({"<outer>": {name: tensor}}), as Python's pickler does (protocol 2,
// _rebuild_tensor_v2, persistent storages), for loader tests; libtorch's own pickle_save adds jit type tags.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>

#include "core/io/tensor_map.h"

namespace poseforge::test {

class PickleBytes {
 public:
  void op(char c) { out_ += c; }
  void text(const std::string& s) {  // BINUNICODE
    op('X');
    const auto n = static_cast<std::uint32_t>(s.size());
    for (int i = 0; i < 4; ++i) out_ += static_cast<char>((n >> (8 * i)) & 0xff);
    out_ += s;
  }
  void integer(std::int64_t v) {  // BININT (int32)
    op('J');
    const auto u = static_cast<std::uint32_t>(static_cast<std::int32_t>(v));
    for (int i = 0; i < 4; ++i) out_ += static_cast<char>((u >> (8 * i)) & 0xff);
  }
  void global(const std::string& module, const std::string& name) { out_ += "c" + module + "\n" + name + "\n"; }
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

// `tensors` nested under `outer` ("state_dict"); empty outer: a flat dict.
inline void write_torch_zip_checkpoint(const std::filesystem::path& path, const io::TensorMap& tensors,
                                       const std::string& outer) {
  caffe2::serialize::PyTorchStreamWriter writer(path.string());
  PickleBytes p;
  p.op('\x80');
  p.op('\x02');
  if (!outer.empty()) {
    p.op('}');
    p.text(outer);
  }
  p.op('}');
  p.op('(');
  int key = 0;
  for (const auto& [name, tensor] : tensors) {
    const torch::Tensor t = tensor.contiguous();
    const char* storage = t.scalar_type() == torch::kFloat16    ? "HalfStorage"
                          : t.scalar_type() == torch::kBFloat16 ? "BFloat16Storage"
                                                                : "FloatStorage";
    writer.writeRecord("data/" + std::to_string(key), t.data_ptr(), t.numel() * t.element_size());
    p.text(name);
    p.global("torch._utils", "_rebuild_tensor_v2");
    p.op('(');
    p.op('(');  // persistent id ('storage', type, key, location, numel)
    p.text("storage");
    p.global("torch", storage);
    p.text(std::to_string(key++));
    p.text("cpu");
    p.integer(t.numel());
    p.op('t');
    p.op('Q');
    p.integer(0);
    p.op('(');
    for (auto s : t.sizes()) p.integer(s);
    p.op('t');
    p.op('(');
    for (auto s : t.strides()) p.integer(s);
    p.op('t');
    p.op('\x89');  // requires_grad False
    p.global("collections", "OrderedDict");
    p.op(')');
    p.op('R');
    p.op('t');
    p.op('R');
  }
  p.op('u');
  if (!outer.empty()) p.op('s');  // SETITEM outer -> inner
  p.op('.');
  writer.writeRecord("data.pkl", p.str().data(), p.str().size());
  writer.writeEndOfFile();
}

}  // namespace poseforge::test
