// Strict JSON numbers: whether nlohmann's get<T>() gives exactly the value written (no overflowing cast).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace poseforge::io {

// nlohmann's get<int>() casts 1e300 to int (undefined behaviour) and 2^64-1 to -1 (a silently wrong value).
// False when `value` is a number that T cannot hold exactly: out of T's range, or a fraction for an integer
// type (2.0 is fine). Arrays are checked element by element for std::vector<T>. Anything else is true:
// get<T>() then reports a wrong type itself.
template <typename T>
bool json_fits(const nlohmann::json& value);

// What json_fits<T> accepts, in words for an error message: "a whole number from -2147483648 to 2147483647".
template <typename T>
std::string json_range();

namespace detail {
template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};
}  // namespace detail

template <typename T>
bool json_fits(const nlohmann::json& value) {
  if constexpr (detail::IsVector<T>::value) {
    if (!value.is_array()) return true;
    for (const auto& item : value) {
      if (!json_fits<typename T::value_type>(item)) return false;
    }
    return true;
  } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    using Limits = std::numeric_limits<T>;
    if (value.is_number_unsigned()) return value.get<std::uint64_t>() <= static_cast<std::uint64_t>(Limits::max());
    if (value.is_number_integer()) {
      const auto v = value.get<std::int64_t>();
      return v >= static_cast<std::int64_t>(Limits::min()) &&
             (v < 0 || static_cast<std::uint64_t>(v) <= static_cast<std::uint64_t>(Limits::max()));
    }
    if (value.is_number_float()) {
      const double d = value.get<double>();
      // [min, max + 1) as doubles: both bounds are powers of two (or 0), so exact.
      return std::isfinite(d) && d == std::floor(d) && d >= static_cast<double>(Limits::min()) &&
             d < std::ldexp(1.0, Limits::digits);
    }
    return true;
  } else if constexpr (std::is_same_v<T, float>) {
    return !value.is_number() || std::abs(value.get<double>()) <= std::numeric_limits<float>::max();
  } else {
    return true;
  }
}

template <typename T>
std::string json_range() {
  if constexpr (detail::IsVector<T>::value) {
    return "a list whose items are each " + json_range<typename T::value_type>();
  } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    using Limits = std::numeric_limits<T>;
    return "a whole number from " + std::to_string(Limits::min()) + " to " + std::to_string(Limits::max());
  } else if constexpr (std::is_same_v<T, float>) {
    return "a number within the range of a 32-bit float";
  } else {
    return "a value of the right type";
  }
}

}  // namespace poseforge::io
