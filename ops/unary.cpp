#include "ops/unary.h"

#include <cmath>
#include <numbers>

#include "engine/autograd.h"
#include "engine/op_registry.h"
#include "ops/binary.h"
#include "ops/samples.h"
#include "ops/strided_loop.h"

namespace cadenza {
namespace {

// One op's math; an op of the list without a branch here fails to compile (run_any
// instantiates every entry of UnaryOp).
template <UnaryOp Op, class T>
T apply_unary(T x, T a, T b) {
  using enum UnaryOp;
  if constexpr (Op == neg)
    return -x;
  else if constexpr (Op == exp)
    return std::exp(x);
  else if constexpr (Op == log)
    return std::log(x);
  else if constexpr (Op == sqrt)
    return std::sqrt(x);
  else if constexpr (Op == rsqrt)
    return T(1) / std::sqrt(x);
  else if constexpr (Op == abs)
    return std::abs(x);
  else if constexpr (Op == sign)
    return T((x > T(0)) - (x < T(0)));
  else if constexpr (Op == tanh)
    return std::tanh(x);
  else if constexpr (Op == sigmoid)
    return x >= T(0) ? T(1) / (T(1) + std::exp(-x)) : std::exp(x) / (T(1) + std::exp(x));
  else if constexpr (Op == relu)
    return x > T(0) ? x : T(0);
  else if constexpr (Op == leaky_relu)
    return x > T(0) ? x : a * x;
  else if constexpr (Op == gelu)
    return T(0.5) * x * (T(1) + std::erf(x * T(std::numbers::sqrt2 / 2)));
  else if constexpr (Op == softplus)
    return x > T(20) ? x : std::log1p(std::exp(x));
  else if constexpr (Op == clamp)
    return x < a ? a : (x > b ? b : x);
  else if constexpr (Op == pow_scalar)
    return std::pow(x, a);
  else if constexpr (Op == sin)
    return std::sin(x);
  else if constexpr (Op == cos)
    return std::cos(x);
  else if constexpr (Op == erf)
    return std::erf(x);
  else if constexpr (Op == square)
    return x * x;
  else if constexpr (Op == reciprocal)
    return T(1) / x;
  else if constexpr (Op == log1p)
    return std::log1p(x);
  else if constexpr (Op == expm1)
    return std::expm1(x);
  else if constexpr (Op == silu)
    return x * apply_unary<sigmoid>(x, a, b);
  else
    static_assert(Op != Op, "a UnaryOp of ops/op_enums.h without its CPU math");
}

template <class T, UnaryOp Op>
void run_op(const Tensor& x, const Tensor& out, T a, T b) {
  std::array<char*, 2> base{cpu::byte_ptr(out), cpu::byte_ptr(x)};
  std::array<Shape, 2> st{cpu::broadcast_byte_strides(out, out.shape()), cpu::broadcast_byte_strides(x, out.shape())};
  cpu::for_each_run<2>(out.shape(), base, st, [&](std::array<char*, 2> p, int64_t n, std::array<int64_t, 2> s) {
    T* o = reinterpret_cast<T*>(p[0]);
    const T* i = reinterpret_cast<const T*>(p[1]);
    if (s[0] == sizeof(T) && s[1] == sizeof(T)) {
      for (int64_t k = 0; k < n; ++k) o[k] = apply_unary<Op>(i[k], a, b);
    } else {
      int64_t so = s[0] / sizeof(T), si = s[1] / sizeof(T);
      for (int64_t k = 0; k < n; ++k) o[k * so] = apply_unary<Op>(i[k * si], a, b);
    }
  });
}

// One instantiation per op so each inner loop is specialised (and vectorised) for it.
template <class T, size_t... I>
void run_any(UnaryOp op, const Tensor& x, const Tensor& out, T a, T b, std::index_sequence<I...>) {
  ((static_cast<size_t>(op) == I ? run_op<T, static_cast<UnaryOp>(I)>(x, out, a, b) : void()), ...);
}

void unary_cpu(UnaryOp op, const Tensor& x, const Tensor& out, UnaryParams p) {
  dispatch_float(x.dtype(), "unary",
                 [&]<class T>() { run_any<T>(op, x, out, T(p.a), T(p.b), std::make_index_sequence<kUnaryOpCount>()); });
}

Tensor record_unary(const char* name, const Tensor& x, const Tensor& y, std::vector<Tensor> save, BackwardFn fn) {
  record(name, {x}, {y}, save, std::move(fn));
  return y;
}

}  // namespace

Kernel<void(UnaryOp, const Tensor&, const Tensor&, UnaryParams)> unary_kernel("unary", &unary_cpu);

Tensor unary_forward(UnaryOp op, const Tensor& x, UnaryParams p) {
  CADENZA_CHECK(is_floating(x.dtype()), "unary op: expected a floating tensor, got {}", dtype_name(x.dtype()));
  Tensor out = make_tensor(x.shape(), x.dtype(), x.device());
  unary_kernel(x.device(), op, x, out, p);
  return out;
}

#define CADENZA_UNARY(fname, OP, SAVE, BODY)                                                                    \
  Tensor fname(const Tensor& x) {                                                                               \
    Tensor y = unary_forward(UnaryOp::OP, x);                                                                   \
    return record_unary(#fname, x, y, SAVE,                                                                     \
                        [](const std::vector<Tensor>& g, const std::vector<Tensor>& s) -> std::vector<Tensor> { \
                          (void)s;                                                                              \
                          return {BODY};                                                                        \
                        });                                                                                     \
  }

// The saved tensor list is {x} or {y}; BODY uses g[0] and s[0].
CADENZA_UNARY(neg, neg, {}, neg(g[0]))
CADENZA_UNARY(exp, exp, {y}, mul(g[0], s[0]))
CADENZA_UNARY(log, log, {x}, div(g[0], s[0]))
CADENZA_UNARY(sqrt, sqrt, {y}, div(mul(g[0], 0.5), s[0]))
CADENZA_UNARY(rsqrt, rsqrt, {y}, mul(g[0], mul(pow(s[0], 3.0), -0.5)))
CADENZA_UNARY(abs, abs, {x}, mul(g[0], sign(s[0])))
CADENZA_UNARY(tanh, tanh, {y}, mul(g[0], rsub(1.0, square(s[0]))))
CADENZA_UNARY(sigmoid, sigmoid, {y}, mul(g[0], mul(s[0], rsub(1.0, s[0]))))
CADENZA_UNARY(relu, relu, {x}, mul(g[0], gt(s[0], 0.0)))
CADENZA_UNARY(softplus, softplus, {x}, mul(g[0], sigmoid(s[0])))
CADENZA_UNARY(sin, sin, {x}, mul(g[0], cos(s[0])))
CADENZA_UNARY(cos, cos, {x}, neg(mul(g[0], sin(s[0]))))
CADENZA_UNARY(erf, erf, {x}, mul(g[0], mul(exp(neg(square(s[0]))), 2.0 / std::sqrt(std::numbers::pi))))
CADENZA_UNARY(square, square, {x}, mul(g[0], mul(s[0], 2.0)))
CADENZA_UNARY(reciprocal, reciprocal, {y}, neg(mul(g[0], square(s[0]))))
CADENZA_UNARY(log1p, log1p, {x}, div(g[0], add(s[0], 1.0)))
CADENZA_UNARY(expm1, expm1, {y}, mul(g[0], add(s[0], 1.0)))
// d/dx x·σ(x) = σ(x)·(1 + x·(1 − σ(x)))
CADENZA_UNARY(silu, silu, {x}, mul(g[0], mul(sigmoid(s[0]), add(mul(s[0], rsub(1.0, sigmoid(s[0]))), 1.0))))
CADENZA_UNARY(gelu, gelu, {x},
              mul(g[0], add(mul(add(erf(mul(s[0], std::numbers::sqrt2 / 2)), 1.0), 0.5),
                            mul(s[0], mul(exp(mul(square(s[0]), -0.5)), 1.0 / std::sqrt(2 * std::numbers::pi))))))
#undef CADENZA_UNARY

Tensor sign(const Tensor& x) { return unary_forward(UnaryOp::sign, x); }

Tensor leaky_relu(const Tensor& x, double slope) {
  Tensor y = unary_forward(UnaryOp::leaky_relu, x, {slope, 0});
  return record_unary("leaky_relu", x, y, {x}, [slope](const auto& g, const auto& s) -> std::vector<Tensor> {
    // slope + (1 - slope) * [x > 0]
    return {mul(g[0], add(mul(gt(s[0], 0.0), 1.0 - slope), slope))};
  });
}

Tensor clamp(const Tensor& x, double lo, double hi) {
  CADENZA_CHECK(lo <= hi, "clamp: lower bound {} above upper bound {}", lo, hi);
  Tensor y = unary_forward(UnaryOp::clamp, x, {lo, hi});
  return record_unary("clamp", x, y, {x}, [lo, hi](const auto& g, const auto& s) -> std::vector<Tensor> {
    return {mul(g[0], mul(ge(s[0], lo), le(s[0], hi)))};
  });
}

Tensor pow(const Tensor& x, double e) {
  Tensor y = unary_forward(UnaryOp::pow_scalar, x, {e, 0});
  return record_unary("pow", x, y, {x}, [e](const auto& g, const auto& s) -> std::vector<Tensor> {
    if (e == 0) return {mul(g[0], 0.0)};
    return {mul(g[0], mul(pow(s[0], e - 1), e))};
  });
}

// ---- registry samples: smooth functions on their domains; kinks avoided.
namespace {
using testing::uniform_input;
void reg(const char* name, Tensor (*f)(const Tensor&), double lo, double hi, bool second = true) {
  OpRegistry::add({name, true, [=](DType dt) {
                     std::vector<OpSample> v;
                     for (Shape s : {Shape{}, Shape{5}, Shape{3, 4}}) {
                       OpSample smp{"shape " + shape_str(s),
                                    {uniform_input(s, dt, lo, hi)},
                                    [f](const std::vector<Tensor>& in) { return std::vector<Tensor>{f(in[0])}; }};
                       smp.second_order = second;
                       v.push_back(std::move(smp));
                     }
                     return v;
                   }});
}
const bool registered = [] {
  reg("neg", neg, -2, 2);
  reg("exp", exp, -2, 2);
  reg("log", log, 0.5, 3);
  reg("sqrt", sqrt, 0.5, 3);
  reg("rsqrt", rsqrt, 0.5, 3);
  reg("abs", abs, -2, 2);
  reg("tanh", tanh, -2, 2);
  reg("sigmoid", sigmoid, -3, 3);
  reg("relu", relu, -2, 2);
  reg("softplus", softplus, -3, 3);
  reg("sin", sin, -2, 2);
  reg("cos", cos, -2, 2);
  reg("erf", erf, -2, 2);
  reg("square", square, -2, 2);
  reg("reciprocal", reciprocal, 0.5, 2);
  reg("log1p", log1p, -0.5, 2);
  reg("expm1", expm1, -2, 2);
  reg("gelu", gelu, -3, 3);
  reg("silu", silu, -3, 3);
  reg(
      "leaky_relu", [](const Tensor& x) { return leaky_relu(x, 0.1); }, -2, 2);
  reg(
      "clamp", [](const Tensor& x) { return clamp(x, -1.0, 1.0); }, -2, 2);
  reg(
      "pow", [](const Tensor& x) { return pow(x, 2.5); }, 0.5, 2);
  OpRegistry::add({"sign", false, nullptr});
  return true;
}();
}  // namespace

}  // namespace cadenza
