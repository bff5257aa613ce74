// Restricted pickle virtual machine (protocols 2-5 as torch.save writes them).
#include "core/io/pickle.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "core/error.h"

namespace poseforge::io {

PickleValue::~PickleValue() {
  // Children this value holds the last reference to are emptied here, one level at a time, instead of by
  // their own destructors recursively.
  std::vector<PickleRef> pending;
  auto take_children = [&pending](PickleValue& v) {
    for (auto& item : v.items) pending.push_back(std::move(item));
    for (auto& [key, value] : v.entries) {
      pending.push_back(std::move(key));
      pending.push_back(std::move(value));
    }
    v.items.clear();
    v.entries.clear();
  };
  take_children(*this);
  while (!pending.empty()) {
    PickleRef v = std::move(pending.back());
    pending.pop_back();
    if (v && v.use_count() == 1) take_children(*v);
  }
}

PickleRef PickleValue::make(Kind kind) {
  auto v = std::make_shared<PickleValue>();
  v->kind = kind;
  return v;
}

PickleRef PickleValue::make_tensor(torch::Tensor t) {
  auto v = make(Kind::Tensor);
  v->tensor = std::move(t);
  return v;
}

const char* PickleValue::kind_name() const {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::BigInt: return "long int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::Bytes: return "bytes";
    case Kind::Tuple: return "tuple";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Global: return "global";
    case Kind::Tensor: return "tensor";
  }
  return "?";
}

namespace {

using Kind = PickleValue::Kind;
constexpr std::size_t kMaxStack = 1u << 20;

class Machine {
 public:
  Machine(const std::uint8_t* data, std::size_t size, const PickleHooks& hooks, const std::string& where)
      : data_(data), size_(size), hooks_(hooks), where_(where) {}

  PickleRef run(std::size_t* consumed);

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error("{}: invalid pickle at byte {}: {}", where_, op_pos_, what);
  }
  const std::uint8_t* take(std::size_t n) {
    if (n > size_ - pos_) fail("truncated (needs " + std::to_string(n) + " more bytes)");
    const std::uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  std::uint64_t uint_le(std::size_t n) {
    const std::uint8_t* p = take(n);
    std::uint64_t v = 0;
    for (std::size_t i = n; i-- > 0;) v = (v << 8) | p[i];
    return v;
  }
  std::string bytes(std::size_t n) {
    const std::uint8_t* p = take(n);
    return std::string(reinterpret_cast<const char*>(p), n);
  }
  std::string line() {
    std::string out;
    while (true) {
      const char c = static_cast<char>(*take(1));
      if (c == '\n') return out;
      out.push_back(c);
      if (out.size() > 4096) fail("line too long");
    }
  }
  void push(PickleRef v) {
    if (stack_.size() >= kMaxStack) fail("stack too deep");
    age(v);
    stack_.push_back(std::move(v));
  }
  PickleRef pop() {
    if (stack_.size() <= mark_floor()) fail("stack underflow");
    auto v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }
  PickleRef& top() {
    if (stack_.size() <= mark_floor()) fail("stack underflow");
    return stack_.back();
  }
  std::size_t mark_floor() const { return marks_.empty() ? 0 : marks_.back(); }
  std::vector<PickleRef> pop_mark() {
    if (marks_.empty()) fail("no MARK on the stack");
    const std::size_t m = marks_.back();
    marks_.pop_back();
    std::vector<PickleRef> items(std::make_move_iterator(stack_.begin() + m),
                                 std::make_move_iterator(stack_.end()));
    stack_.resize(m);
    return items;
  }
  PickleRef string_value(Kind kind, std::string s) {
    auto v = PickleValue::make(kind);
    v->text = std::move(s);
    return v;
  }
  PickleRef int_value(std::int64_t i) {
    auto v = PickleValue::make(Kind::Int);
    v->integer = i;
    return v;
  }
  PickleRef tuple(std::vector<PickleRef> items) {
    auto v = PickleValue::make(Kind::Tuple);
    v->items = std::move(items);
    return v;
  }
  void memo_put(std::uint64_t index) { memo_[index] = top(); }
  PickleRef memo_get(std::uint64_t index) {
    auto it = memo_.find(index);
    if (it == memo_.end()) fail("memo entry " + std::to_string(index) + " is not set");
    return it->second;
  }
  PickleValue& expect(PickleRef& v, Kind kind, const char* what) {
    if (!v || v->kind != kind) fail(std::string(what) + " expects a " + PickleValue::make(kind)->kind_name());
    return *v;
  }
  // `existing`: the dict was made before its items (SETITEM(S)), so they must not contain it (see Age).
  void set_items(PickleRef& dict, std::vector<PickleRef>& kv, bool existing) {
    if (kv.size() % 2 != 0) fail("SETITEMS with an odd number of items");
    auto& d = expect(dict, Kind::Dict, "SETITEM(S)");
    for (std::size_t i = 0; i < kv.size(); i += 2) {
      if (existing) {
        check_insert(dict, kv[i]);
        check_insert(dict, kv[i + 1]);
      }
      d.entries.emplace_back(kv[i], kv[i + 1]);
    }
  }
  // Cycle guard. Python pickles may be cyclic (a list holding itself); a state dict never is, and a cyclic
  // value would leak and send every reader of it into endless recursion. Every value gets a serial number
  // when first seen, and `oldest`: the smallest serial of any list or dict reachable from it (a lower
  // bound, which is all the proof needs). A list or dict may only take in a value whose `oldest` is newer
  // than itself; then nothing reachable from that value is the container, so no cycle can form.
  struct Age {
    std::uint64_t serial;
    std::uint64_t oldest;
  };
  Age age(const PickleRef& v) {
    if (auto it = ages_.find(v); it != ages_.end()) return it->second;
    const std::uint64_t serial = next_serial_++;
    std::uint64_t oldest =
        (v->kind == Kind::List || v->kind == Kind::Dict) ? serial : std::numeric_limits<std::uint64_t>::max();
    for (const auto& item : v->items) oldest = std::min(oldest, age(item).oldest);
    for (const auto& [key, value] : v->entries) oldest = std::min({oldest, age(key).oldest, age(value).oldest});
    ages_.emplace(v, Age{serial, oldest});
    return Age{serial, oldest};
  }
  void check_insert(const PickleRef& container, const PickleRef& child) {
    if (age(child).oldest <= age(container).serial) {
      fail(std::string("a ") + container->kind_name() + " would hold itself or a container made before it " +
           "(cyclic structures are not read)");
    }
  }
  PickleRef global(const std::string& module, const std::string& name) {
    if (!hooks_.find_class) fail("global '" + module + "." + name + "' is not allowed");
    return hooks_.find_class(module, name);
  }
  PickleRef call(PickleRef callable, PickleRef args) {
    if (callable->kind != Kind::Global) fail(std::string("cannot call a ") + callable->kind_name());
    if (args->kind != Kind::Tuple) fail("call arguments must be a tuple");
    if (!hooks_.call) fail("calling '" + callable->text + "' is not allowed");
    return hooks_.call(*callable, *args);
  }

  const std::uint8_t* data_;
  std::size_t size_;
  const PickleHooks& hooks_;
  const std::string& where_;
  std::size_t pos_ = 0;
  std::size_t op_pos_ = 0;
  std::vector<PickleRef> stack_;
  std::vector<std::size_t> marks_;
  std::unordered_map<std::uint64_t, PickleRef> memo_;
  std::unordered_map<PickleRef, Age> ages_;  // holds every value seen, so no address is reused meanwhile
  std::uint64_t next_serial_ = 0;
};

PickleRef Machine::run(std::size_t* consumed) {
  while (true) {
    op_pos_ = pos_;
    const std::uint8_t op = *take(1);
    switch (op) {
      case 0x80: take(1); break;        // PROTO
      case 0x95: take(8); break;        // FRAME
      case '.': {                       // STOP
        if (consumed) *consumed = pos_;
        if (stack_.size() != 1 || !marks_.empty()) fail("STOP with " + std::to_string(stack_.size()) + " values on the stack");
        return stack_.back();
      }
      case '(': marks_.push_back(stack_.size()); break;  // MARK
      case '0': pop(); break;                             // POP
      case '1': pop_mark(); break;                        // POP_MARK
      case '2': push(top()); break;                       // DUP
      case 'N': push(PickleValue::make(Kind::None)); break;
      case 0x88:
      case 0x89: {
        auto v = PickleValue::make(Kind::Bool);
        v->boolean = (op == 0x88);
        push(v);
        break;
      }
      case 'J': push(int_value(static_cast<std::int32_t>(uint_le(4)))); break;  // BININT
      case 'K': push(int_value(static_cast<std::int64_t>(uint_le(1)))); break;  // BININT1
      case 'M': push(int_value(static_cast<std::int64_t>(uint_le(2)))); break;  // BININT2
      case 0x8a: {                                                             // LONG1
        const std::size_t n = uint_le(1);
        if (n <= 8) {
          const std::uint8_t* p = take(n);
          std::uint64_t v = 0;
          for (std::size_t i = n; i-- > 0;) v = (v << 8) | p[i];
          if (n > 0 && n < 8 && (p[n - 1] & 0x80)) v |= ~std::uint64_t{0} << (8 * n);  // sign-extend
          push(int_value(static_cast<std::int64_t>(v)));
        } else {
          push(string_value(Kind::BigInt, bytes(n)));
        }
        break;
      }
      case 'G': {  // BINFLOAT (big-endian double)
        const std::uint8_t* p = take(8);
        std::uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
        auto v = PickleValue::make(Kind::Float);
        std::memcpy(&v->real, &bits, 8);
        push(v);
        break;
      }
      case 'X': push(string_value(Kind::String, bytes(uint_le(4)))); break;   // BINUNICODE
      case 0x8c: push(string_value(Kind::String, bytes(uint_le(1)))); break;  // SHORT_BINUNICODE
      case 0x8d: push(string_value(Kind::String, bytes(uint_le(8)))); break;  // BINUNICODE8
      case 'T': push(string_value(Kind::String, bytes(uint_le(4)))); break;   // BINSTRING
      case 'U': push(string_value(Kind::String, bytes(uint_le(1)))); break;   // SHORT_BINSTRING
      case 'B': push(string_value(Kind::Bytes, bytes(uint_le(4)))); break;    // BINBYTES
      case 'C': push(string_value(Kind::Bytes, bytes(uint_le(1)))); break;    // SHORT_BINBYTES
      case 0x8e: push(string_value(Kind::Bytes, bytes(uint_le(8)))); break;   // BINBYTES8
      case ')': push(tuple({})); break;                                        // EMPTY_TUPLE
      case 't': push(tuple(pop_mark())); break;                                // TUPLE
      case 0x85: {                                                             // TUPLE1
        auto a = pop();
        push(tuple({a}));
        break;
      }
      case 0x86: {  // TUPLE2
        auto b = pop();
        auto a = pop();
        push(tuple({a, b}));
        break;
      }
      case 0x87: {  // TUPLE3
        auto c = pop();
        auto b = pop();
        auto a = pop();
        push(tuple({a, b, c}));
        break;
      }
      case ']': push(PickleValue::make(Kind::List)); break;  // EMPTY_LIST
      case 'l': {                                             // LIST
        auto v = PickleValue::make(Kind::List);
        v->items = pop_mark();
        push(v);
        break;
      }
      case 'a': {  // APPEND
        auto item = pop();
        expect(top(), Kind::List, "APPEND");
        check_insert(top(), item);
        top()->items.push_back(item);
        break;
      }
      case 'e': {  // APPENDS
        auto items = pop_mark();
        auto& list = expect(top(), Kind::List, "APPENDS");
        for (const auto& item : items) check_insert(top(), item);
        list.items.insert(list.items.end(), items.begin(), items.end());
        break;
      }
      case '}': push(PickleValue::make(Kind::Dict)); break;  // EMPTY_DICT
      case 'd': {                                             // DICT
        auto kv = pop_mark();
        auto d = PickleValue::make(Kind::Dict);
        set_items(d, kv, false);
        push(d);
        break;
      }
      case 's': {  // SETITEM
        auto value = pop();
        auto key = pop();
        std::vector<PickleRef> kv{key, value};
        set_items(top(), kv, true);
        break;
      }
      case 'u': {  // SETITEMS
        auto kv = pop_mark();
        set_items(top(), kv, true);
        break;
      }
      case 'q': memo_put(uint_le(1)); break;  // BINPUT
      case 'r': memo_put(uint_le(4)); break;  // LONG_BINPUT
      case 0x94: memo_put(memo_.size()); break;  // MEMOIZE
      case 'h': push(memo_get(uint_le(1))); break;  // BINGET
      case 'j': push(memo_get(uint_le(4))); break;  // LONG_BINGET
      case 'c': {                                   // GLOBAL
        const std::string module = line();
        const std::string name = line();
        push(global(module, name));
        break;
      }
      case 0x93: {  // STACK_GLOBAL
        auto name = pop();
        auto module = pop();
        if (module->kind != Kind::String || name->kind != Kind::String) fail("STACK_GLOBAL expects two strings");
        push(global(module->text, name->text));
        break;
      }
      case 'R':     // REDUCE
      case 0x81: {  // NEWOBJ
        auto args = pop();
        auto callable = pop();
        push(call(callable, args));
        break;
      }
      case 'b': {  // BUILD: set an object's state. State dicts carry `_metadata` this way; ignored.
        pop();
        top();
        break;
      }
      case 'Q': {  // BINPERSID
        auto pid = pop();
        if (!hooks_.persistent_load) fail("persistent ids are not allowed here");
        push(hooks_.persistent_load(*pid));
        break;
      }
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", op);
        fail(std::string("unsupported opcode ") + hex +
             (op >= 0x20 && op < 0x7f ? std::string(" ('") + static_cast<char>(op) + "')" : std::string()) +
             " (only the opcodes of a tensor state dict are accepted)");
      }
    }
  }
}

}  // namespace

PickleRef unpickle(const std::uint8_t* data, std::size_t size, const PickleHooks& hooks,
                   const std::string& where, std::size_t* consumed) {
  Machine machine(data, size, hooks, where);
  return machine.run(consumed);
}

}  // namespace poseforge::io
