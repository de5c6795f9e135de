#pragma once
// The CPU's one way to walk tensors of any strides: operands share a shape, each has its
// own strides (0 on broadcast axes). Axes that can merge are merged, the flat index space
// is cut into chunks for the thread pool, and `fn(ptrs, n, inner_strides)` gets each run
// along the innermost axis, so a kernel's inner loop is a plain strided loop that the
// compiler vectorises when the strides are 1.
#include <array>
#include <cstdint>

#include "engine/cpu/parallel.h"
#include "engine/tensor.h"

namespace cadenza::cpu {

template <size_t N>
struct Operands {
  std::array<char*, N> base;
  std::array<Shape, N> strides;  // in bytes
};

template <size_t N>
struct Layout {
  Shape shape;
  std::array<Shape, N> strides;  // bytes, per operand
};

// Merges adjacent axes that are contiguous with each other in every operand, drops size-1 axes.
template <size_t N>
Layout<N> coalesce(const Shape& shape, const std::array<Shape, N>& strides) {
  Layout<N> out;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    if (!out.shape.empty()) {
      bool merge = true;
      for (size_t k = 0; k < N; ++k) merge &= out.strides[k].back() == strides[k][d] * shape[d];
      if (merge) {
        out.shape.back() *= shape[d];
        for (size_t k = 0; k < N; ++k) out.strides[k].back() = strides[k][d];
        continue;
      }
    }
    out.shape.push_back(shape[d]);
    for (size_t k = 0; k < N; ++k) out.strides[k].push_back(strides[k][d]);
  }
  if (out.shape.empty()) {
    out.shape.push_back(1);
    for (size_t k = 0; k < N; ++k) out.strides[k].push_back(0);
  }
  return out;
}

// fn(std::array<char*, N> ptrs, int64_t n, std::array<int64_t, N> step_bytes)
template <size_t N, class Fn>
void for_each_run(const Shape& shape, std::array<char*, N> base, const std::array<Shape, N>& byte_strides, Fn&& fn,
                  int64_t grain = 1 << 14) {
  int64_t total = numel(shape);
  if (total == 0) return;
  Layout<N> L = coalesce<N>(shape, byte_strides);
  const int64_t nd = static_cast<int64_t>(L.shape.size());
  const int64_t inner = L.shape[nd - 1];
  std::array<int64_t, N> step;
  for (size_t k = 0; k < N; ++k) step[k] = L.strides[k][nd - 1];
  parallel_for(total, grain, [&](int64_t begin, int64_t end) {
    // Multi-index of `begin`.
    Shape idx(nd);
    int64_t rem = begin;
    for (int64_t d = nd - 1; d >= 0; --d) {
      idx[d] = rem % L.shape[d];
      rem /= L.shape[d];
    }
    int64_t pos = begin;
    while (pos < end) {
      std::array<char*, N> p = base;
      for (int64_t d = 0; d < nd; ++d)
        for (size_t k = 0; k < N; ++k) p[k] += idx[d] * L.strides[k][d];
      int64_t n = std::min(inner - idx[nd - 1], end - pos);
      fn(p, n, step);
      pos += n;
      idx[nd - 1] += n;
      for (int64_t d = nd - 1; d > 0 && idx[d] >= L.shape[d]; --d) {
        idx[d] = 0;
        idx[d - 1]++;
      }
    }
  });
}

// Byte strides of `t` seen with shape `shape` (t's shape must broadcast to it).
Shape broadcast_byte_strides(const Tensor& t, const Shape& shape);

inline char* byte_ptr(const Tensor& t) { return static_cast<char*>(t.raw_data()); }

}  // namespace cadenza::cpu
