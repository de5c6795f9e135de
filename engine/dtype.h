#pragma once
// Element types. f32 is the default; f64 serves gradient checks; i32/i64 hold indices.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/error.h"

namespace cadenza {

enum class DType : uint8_t { f32, f64, i32, i64 };

constexpr size_t dtype_size(DType t) {
  switch (t) {
    case DType::f32: return 4;
    case DType::f64: return 8;
    case DType::i32: return 4;
    case DType::i64: return 8;
  }
  return 0;
}

constexpr std::string_view dtype_name(DType t) {
  switch (t) {
    case DType::f32: return "f32";
    case DType::f64: return "f64";
    case DType::i32: return "i32";
    case DType::i64: return "i64";
  }
  return "?";
}

constexpr bool is_floating(DType t) { return t == DType::f32 || t == DType::f64; }

template <class T>
struct dtype_of;
template <>
struct dtype_of<float> {
  static constexpr DType value = DType::f32;
};
template <>
struct dtype_of<double> {
  static constexpr DType value = DType::f64;
};
template <>
struct dtype_of<int32_t> {
  static constexpr DType value = DType::i32;
};
template <>
struct dtype_of<int64_t> {
  static constexpr DType value = DType::i64;
};
template <class T>
constexpr DType dtype_v = dtype_of<T>::value;

// Calls fn.template operator()<T>() with the C++ type of a floating dtype.
template <class Fn>
decltype(auto) dispatch_float(DType t, std::string_view op, Fn&& fn) {
  switch (t) {
    case DType::f32: return fn.template operator()<float>();
    case DType::f64: return fn.template operator()<double>();
    default: fail("{}: expected a floating dtype (f32 or f64), got {}", op, dtype_name(t));
  }
}

// Same for every dtype.
template <class Fn>
decltype(auto) dispatch_all(DType t, Fn&& fn) {
  switch (t) {
    case DType::f32: return fn.template operator()<float>();
    case DType::f64: return fn.template operator()<double>();
    case DType::i32: return fn.template operator()<int32_t>();
    case DType::i64: return fn.template operator()<int64_t>();
  }
  fail("unknown dtype");
}

// Same for index dtypes.
template <class Fn>
decltype(auto) dispatch_index(DType t, std::string_view op, Fn&& fn) {
  switch (t) {
    case DType::i32: return fn.template operator()<int32_t>();
    case DType::i64: return fn.template operator()<int64_t>();
    default: fail("{}: expected an index dtype (i32 or i64), got {}", op, dtype_name(t));
  }
}

}  // namespace cadenza
