#include "ops/half_matmul.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

#include "engine/autograd.h"
#include "engine/cpu/parallel.h"
#include "ops/copy.h"
#include "ops/view.h"

namespace cadenza {

uint16_t to_f16(float v) {
  const uint32_t u = std::bit_cast<uint32_t>(v);
  const uint32_t sign = (u >> 16) & 0x8000u, a = u & 0x7FFFFFFFu;
  if (a >= 0x7F800000u) return uint16_t(sign | 0x7C00u | (a > 0x7F800000u ? 0x200u : 0u));  // inf, NaN
  if (a >= 0x477FF000u) return uint16_t(sign | 0x7C00u);  // ≥ 65520 rounds past 65504: inf
  if (a < 0x38800000u) {
    // Below 2^-14: a subnormal half m · 2^-24. Scaling by 2^24 is exact in f32, and
    // nearbyint rounds to nearest even (the default mode); m = 1024 is the smallest normal.
    const float m = std::nearbyint(std::bit_cast<float>(a) * 16777216.0f);
    return uint16_t(sign | static_cast<uint32_t>(m));
  }
  const uint32_t mant = a & 0x7FFFFFu;
  uint32_t h = (((a >> 23) - 112u) << 10) | (mant >> 13);  // exponent rebiased 127 → 15
  const uint32_t rest = mant & 0x1FFFu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;  // a carry moves into the exponent
  return uint16_t(sign | h);
}

float from_f16(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000u) << 16, e = (h >> 10) & 0x1Fu, m = h & 0x3FFu;
  if (e == 0) return std::bit_cast<float>(sign | std::bit_cast<uint32_t>(std::ldexp(float(m), -24)));
  if (e == 31) return std::bit_cast<float>(sign | 0x7F800000u | (m << 13));
  return std::bit_cast<float>(sign | ((e + 112u) << 23) | (m << 13));
}

namespace {

int64_t padded_cols(int64_t cols) { return cols + (cols & 1); }

void matmul_half_cpu(const Tensor& x, const Tensor& packed, const Tensor& out) {
  const int64_t M = x.size(0), K = x.size(1), N = out.size(1), Kp = padded_cols(K);
  if (M == 0 || N == 0) return;
  const std::vector<float> xs = x.to_vector<float>();
  std::vector<float> w(static_cast<size_t>(N * Kp));
  {
    const std::vector<int32_t> words = packed.to_vector<int32_t>();
    std::vector<uint16_t> halves(words.size() * 2);
    std::memcpy(halves.data(), words.data(), halves.size() * sizeof(uint16_t));
    for (size_t i = 0; i < w.size(); ++i) w[i] = from_f16(halves[i]);
  }
  float* y = out.data<float>();
  cpu::parallel_for(M * N, 64, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const int64_t m = i / N, n = i % N;
      double s = 0;
      for (int64_t k = 0; k < K; ++k) s += double(xs[size_t(m * K + k)]) * w[size_t(n * Kp + k)];
      y[i] = static_cast<float>(s);
    }
  });
}

}  // namespace

Kernel<void(const Tensor&, const Tensor&, const Tensor&)> matmul_half_kernel("matmul_half", &matmul_half_cpu);

HalfMatrix to_half(const Tensor& w) {
  CADENZA_CHECK(w.dim() == 2 && w.dtype() == DType::f32, "to_half: needs an f32 matrix, got {} {}",
                dtype_name(w.dtype()), shape_str(w.shape()));
  const int64_t rows = w.size(0), cols = w.size(1), Kp = padded_cols(cols);
  const std::vector<float> values = w.to_vector<float>();
  std::vector<uint16_t> halves(static_cast<size_t>(rows * Kp), 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) halves[size_t(r * Kp + c)] = to_f16(values[size_t(r * cols + c)]);
  std::vector<int32_t> words(halves.size() / 2);
  std::memcpy(words.data(), halves.data(), words.size() * sizeof(int32_t));
  HalfMatrix h{Tensor::from_vector(words, {rows, Kp / 2}, w.device()), rows, cols};
  // An empty product: the device says now, in one line, if it cannot read halves.
  matmul_half_kernel(w.device(), Tensor::empty({0, cols}, DType::f32, w.device()), h.packed,
                     Tensor::empty({0, rows}, DType::f32, w.device()));
  return h;
}

bool reads_half(const HalfMatrix& w, const Tensor& x) {
  return w.defined() && !GradMode::enabled() && x.device() == w.device() && x.dtype() == DType::f32;
}

Tensor matmul_half(const Tensor& x, const HalfMatrix& w) {
  CADENZA_CHECK(w.defined(), "matmul_half: the f16 matrix is empty");
  CADENZA_CHECK(x.dtype() == DType::f32 && x.dim() >= 1 && x.size(-1) == w.cols,
                "matmul_half: input {} {} does not end in the matrix's {} columns (f32)", dtype_name(x.dtype()),
                shape_str(x.shape()), w.cols);
  CADENZA_CHECK(x.device() == w.device(), "matmul_half: input on {}, f16 matrix on {}", x.device().str(),
                w.device().str());
  CADENZA_CHECK(!(GradMode::enabled() && x.requires_grad()),
                "matmul_half: f16 weights are for inference; it records no gradient");
  Shape out_shape = x.shape();
  out_shape.back() = w.rows;
  const Tensor x2 = reshape(x, {-1, w.cols});
  Tensor out = make_tensor({x2.size(0), w.rows}, DType::f32, x.device());
  matmul_half_kernel(x.device(), x2, w.packed, out);
  return reshape(out, out_shape);
}

}  // namespace cadenza
