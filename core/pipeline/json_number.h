// Whole numbers from untrusted JSON: a float must be finite and whole, every value within the target
// type's range (nlohmann's get<int>() of 1e308 or 2^64 would be undefined behaviour or wrap silently).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace poseforge::pipeline {

// `value` as T when it is a number holding a whole value T can represent; nullopt otherwise.
template <typename T>
std::optional<T> json_whole_number(const nlohmann::json& value) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  using Limits = std::numeric_limits<T>;
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(Limits::max())) return std::nullopt;
    return static_cast<T>(v);
  }
  if (value.is_number_integer()) {
    const auto v = value.get<std::int64_t>();
    if (v < static_cast<std::int64_t>(Limits::min()) || v > static_cast<std::int64_t>(Limits::max()))
      return std::nullopt;
    return static_cast<T>(v);
  }
  if (value.is_number_float()) {
    const double v = value.get<double>();
    // [min, max] as doubles: min is exact (a power of two); max + 1 is exact too, so compare below it.
    if (!std::isfinite(v) || v != std::floor(v) || v < static_cast<double>(Limits::min()) ||
        v >= static_cast<double>(Limits::max()) + 1.0) {
      return std::nullopt;
    }
    return static_cast<T>(v);
  }
  return std::nullopt;
}

}  // namespace poseforge::pipeline
