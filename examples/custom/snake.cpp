#include "examples/custom/snake.h"

#include <cmath>

#include "engine/autograd.h"
#include "engine/op_registry.h"
#include "ops/binary.h"
#include "ops/samples.h"
#include "ops/strided_loop.h"
#include "ops/unary.h"

namespace cadenza::example {
namespace {

// The CPU kernel: a strided loop from ops/strided_loop.h, so views work without copies.
void snake_cpu(const Tensor& x, const Tensor& out, double alpha) {
  dispatch_float(x.dtype(), "snake", [&]<class T>() {
    const Shape& s = out.shape();
    std::array<char*, 2> base{cpu::byte_ptr(out), cpu::byte_ptr(x)};
    std::array<Shape, 2> st{cpu::broadcast_byte_strides(out, s), cpu::broadcast_byte_strides(x, s)};
    const T a = static_cast<T>(alpha);
    cpu::for_each_run<2>(s, base, st, [a](std::array<char*, 2> p, int64_t n, std::array<int64_t, 2> d) {
      for (int64_t k = 0; k < n; ++k) {
        T v = *reinterpret_cast<const T*>(p[1] + k * d[1]);
        T sv = std::sin(a * v);
        *reinterpret_cast<T*>(p[0] + k * d[0]) = v + sv * sv / a;
      }
    });
  });
}

}  // namespace

Kernel<void(const Tensor&, const Tensor&, double)> snake_kernel("snake", &snake_cpu);

Tensor snake(const Tensor& x, double alpha) {
  CADENZA_CHECK(alpha > 0, "snake: alpha must be positive, got {}", alpha);
  CADENZA_CHECK(is_floating(x.dtype()), "snake: expected a floating tensor, got {}", dtype_name(x.dtype()));
  Tensor y = make_tensor(x.shape(), x.dtype(), x.device());
  snake_kernel(x.device(), x, y, alpha);
  // d/dx snake = 1 + 2 sin(ax) cos(ax) = 1 + sin(2ax). Written with ops, so the gradient
  // can itself be differentiated (second order is checked by the standard suite).
  record("snake", {x}, {y}, {x}, [alpha](const std::vector<Tensor>& g, const std::vector<Tensor>& s) {
    return std::vector<Tensor>{mul(g[0], add(sin(mul(s[0], 2 * alpha)), 1.0))};
  });
  return y;
}

// Registering with samples is all it takes to be checked like the built-in ops.
CADENZA_REGISTER_OP(OpInfo{"snake", true, [](DType dt) {
                             auto run = [](const std::vector<Tensor>& in) {
                               return std::vector<Tensor>{snake(in[0], 1.7)};
                             };
                             return std::vector<OpSample>{{"[3, 5]", {testing::uniform_input({3, 5}, dt, -2, 2)}, run},
                                                          {"scalar", {testing::uniform_input({}, dt, -2, 2)}, run}};
                           }});

}  // namespace cadenza::example
