// Fuzz harness: the restricted unpickler, twice: with permissive hooks (every opcode path), and as the main
// pickle of a legacy torch checkpoint, where the real allow-list and tensor rebuilding apply.
#include <string>
#include <unordered_set>
#include <vector>

#include <torch/torch.h>

#include "core/error.h"
#include "core/io/pickle.h"
#include "core/io/torch_checkpoint.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/harnesses.h"

namespace {

using namespace poseforge;
using io::PickleRef;
using io::PickleValue;
using Kind = PickleValue::Kind;

// Counts the values reachable from `root` (each once, without recursion), so every field of the result is read.
std::size_t walk(const PickleRef& root) {
  std::unordered_set<const PickleValue*> seen;
  std::vector<const PickleValue*> todo{root.get()};
  std::size_t n = 0;
  while (!todo.empty()) {
    const PickleValue* v = todo.back();
    todo.pop_back();
    if (!seen.insert(v).second) continue;
    n += 1 + v->text.size();
    for (const auto& item : v->items) todo.push_back(item.get());
    for (const auto& [key, value] : v->entries) {
      todo.push_back(key.get());
      todo.push_back(value.get());
    }
    if (v->kind == Kind::Tensor) n += static_cast<std::size_t>(v->tensor.numel());
  }
  return n;
}

io::PickleHooks permissive_hooks() {
  io::PickleHooks h;
  h.find_class = [](const std::string& module, const std::string& name) {
    if (module == "forbidden") throw Error("global '{}.{}' is not allowed", module, name);
    auto v = PickleValue::make(Kind::Global);
    v->text = module + "." + name;
    return v;
  };
  h.call = [](const PickleValue& callable, const PickleValue& args) {
    if (callable.text == "collections.OrderedDict") return PickleValue::make(Kind::Dict);
    if (!args.items.empty()) return args.items[0];
    return PickleValue::make(Kind::None);
  };
  h.persistent_load = [](const PickleValue&) { return PickleValue::make_tensor(torch::zeros({4})); };
  return h;
}

// magic number, protocol 1001, sys_info {} (torch/serialization.py's legacy header, as pickles).
std::string legacy_header() {
  return std::string("\x80\x02\x8a\x0a", 4) + std::string("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10) + "." +
         std::string("\x80\x02M\xe9\x03.", 6) + std::string("\x80\x02}.", 4);
}

}  // namespace

int fuzz_pickle(const std::uint8_t* data, std::size_t size) {
  const auto hooks = permissive_hooks();
  std::size_t used = 0;
  try {
    const PickleRef root = io::unpickle(data, size, hooks, "fuzz pickle", &used);
    fuzz::check(root != nullptr, "unpickle returned no value");
    fuzz::check(used > 0 && used <= size, "unpickle consumed " + std::to_string(used) + " of " + std::to_string(size));
    fuzz::note("pickle: " + std::to_string(walk(root)) + " units, a " + root->kind_name());
  } catch (const Error& e) {
    fuzz::note(e.what());
  }
  const auto path =
      fuzz::write_scratch("legacy.pth", legacy_header() + std::string(reinterpret_cast<const char*>(data), size));
  try {
    const auto tensors = io::load_torch_checkpoint(path);
    for (const auto& [name, t] : tensors) fuzz::check(t.defined(), "undefined tensor '" + name + "'");
    fuzz::note("legacy checkpoint: " + std::to_string(tensors.size()) + " tensors");
  } catch (const Error& e) {
    fuzz::note(e.what());
  }
  return 0;
}
