// A restricted pickle reader: the opcodes a torch state dict uses, no arbitrary code. Globals and
// calls go through hooks that the caller allow-lists (see torch_checkpoint.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

namespace poseforge::io {

struct PickleValue;
using PickleRef = std::shared_ptr<PickleValue>;

struct PickleValue {
  enum class Kind { None, Bool, Int, BigInt, Float, String, Bytes, Tuple, List, Dict, Global, Tensor };
  Kind kind = Kind::None;
  bool boolean = false;
  std::int64_t integer = 0;
  double real = 0.0;
  std::string text;  // String, Bytes, BigInt (raw little-endian bytes), Global ("module.name")
  std::vector<PickleRef> items;                          // Tuple, List
  std::vector<std::pair<PickleRef, PickleRef>> entries;  // Dict, in insertion order
  torch::Tensor tensor;                                  // Tensor (also storages: 1-D, typed)

  PickleValue() = default;
  PickleValue(const PickleValue&) = default;
  PickleValue& operator=(const PickleValue&) = default;
  // Releases nested values iteratively: a deeply nested pickle must not overflow the stack when freed.
  ~PickleValue();

  static PickleRef make(Kind kind);
  static PickleRef make_tensor(torch::Tensor t);
  const char* kind_name() const;
};

struct PickleHooks {
  // GLOBAL / STACK_GLOBAL: return a Global value or throw Error when the name is not allowed.
  std::function<PickleRef(const std::string& module, const std::string& name)> find_class;
  // REDUCE / NEWOBJ: apply an allowed global to its argument tuple.
  std::function<PickleRef(const PickleValue& callable, const PickleValue& args)> call;
  // BINPERSID: resolve a persistent id (torch: ('storage', type, key, location, numel, ...)).
  std::function<PickleRef(const PickleValue& pid)> persistent_load;
};

// Runs one pickle from `data` (up to `size` bytes) and returns its value; `*consumed` gets the bytes
// read (pickles can be concatenated). `where` names the file for error messages. Throws Error on a
// truncated stream, an unsupported opcode, a disallowed global, or a malformed structure.
PickleRef unpickle(const std::uint8_t* data, std::size_t size, const PickleHooks& hooks,
                   const std::string& where, std::size_t* consumed = nullptr);

}  // namespace poseforge::io
