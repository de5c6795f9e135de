#include "ops/binary.h"

#include <cmath>

#include "engine/autograd.h"
#include "engine/op_registry.h"
#include "ops/reduce.h"
#include "ops/samples.h"
#include "ops/strided_loop.h"
#include "ops/unary.h"
#include "ops/view.h"

namespace cadenza {
namespace {

// One op's math; an op of the list without a branch here fails to compile (run_any
// instantiates every entry of BinaryOp).
template <class T, BinaryOp Op>
inline T apply_binary(T a, T b) {
  if constexpr (Op == BinaryOp::add)
    return a + b;
  else if constexpr (Op == BinaryOp::sub)
    return a - b;
  else if constexpr (Op == BinaryOp::mul)
    return a * b;
  else if constexpr (Op == BinaryOp::div)
    return a / b;
  else if constexpr (Op == BinaryOp::pow)
    return static_cast<T>(std::pow(a, b));
  else if constexpr (Op == BinaryOp::maximum)
    return a > b ? a : b;
  else if constexpr (Op == BinaryOp::minimum)
    return a < b ? a : b;
  else if constexpr (Op == BinaryOp::eq)
    return T(a == b);
  else if constexpr (Op == BinaryOp::ne)
    return T(a != b);
  else if constexpr (Op == BinaryOp::lt)
    return T(a < b);
  else if constexpr (Op == BinaryOp::le)
    return T(a <= b);
  else if constexpr (Op == BinaryOp::gt)
    return T(a > b);
  else if constexpr (Op == BinaryOp::ge)
    return T(a >= b);
  else
    static_assert(Op != Op, "a BinaryOp of ops/op_enums.h without its CPU math");
}

template <class T, BinaryOp Op>
void run_op(const Tensor& a, const Tensor& b, const Tensor& out) {
  const Shape& s = out.shape();
  std::array<char*, 3> base{cpu::byte_ptr(out), cpu::byte_ptr(a), cpu::byte_ptr(b)};
  std::array<Shape, 3> st{cpu::broadcast_byte_strides(out, s), cpu::broadcast_byte_strides(a, s),
                          cpu::broadcast_byte_strides(b, s)};
  cpu::for_each_run<3>(s, base, st, [](std::array<char*, 3> p, int64_t n, std::array<int64_t, 3> d) {
    T* o = reinterpret_cast<T*>(p[0]);
    const T* x = reinterpret_cast<const T*>(p[1]);
    const T* y = reinterpret_cast<const T*>(p[2]);
    constexpr int64_t e = sizeof(T);
    if (d[0] == e && d[1] == e && d[2] == e) {
      for (int64_t k = 0; k < n; ++k) o[k] = apply_binary<T, Op>(x[k], y[k]);
    } else if (d[0] == e && d[1] == e && d[2] == 0) {
      const T yv = *y;
      for (int64_t k = 0; k < n; ++k) o[k] = apply_binary<T, Op>(x[k], yv);
    } else {
      int64_t so = d[0] / e, sx = d[1] / e, sy = d[2] / e;
      for (int64_t k = 0; k < n; ++k) o[k * so] = apply_binary<T, Op>(x[k * sx], y[k * sy]);
    }
  });
}

template <class T, size_t... I>
void run_any(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out, std::index_sequence<I...>) {
  ((static_cast<size_t>(op) == I ? run_op<T, static_cast<BinaryOp>(I)>(a, b, out) : void()), ...);
}

void binary_cpu(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  dispatch_all(a.dtype(), [&]<class T>() { run_any<T>(op, a, b, out, std::make_index_sequence<kBinaryOpCount>()); });
}

void where_cpu(const Tensor& c, const Tensor& a, const Tensor& b, const Tensor& out) {
  const Shape& s = out.shape();
  dispatch_all(a.dtype(), [&]<class T>() {
    dispatch_all(c.dtype(), [&]<class C>() {
      std::array<char*, 4> base{cpu::byte_ptr(out), cpu::byte_ptr(c), cpu::byte_ptr(a), cpu::byte_ptr(b)};
      std::array<Shape, 4> st{cpu::broadcast_byte_strides(out, s), cpu::broadcast_byte_strides(c, s),
                              cpu::broadcast_byte_strides(a, s), cpu::broadcast_byte_strides(b, s)};
      cpu::for_each_run<4>(s, base, st, [](std::array<char*, 4> p, int64_t n, std::array<int64_t, 4> d) {
        for (int64_t k = 0; k < n; ++k) {
          C cv = *reinterpret_cast<const C*>(p[1] + k * d[1]);
          *reinterpret_cast<T*>(p[0] + k * d[0]) =
              cv != C(0) ? *reinterpret_cast<const T*>(p[2] + k * d[2]) : *reinterpret_cast<const T*>(p[3] + k * d[3]);
        }
      });
    });
  });
}

void check_pair(const char* op, const Tensor& a, const Tensor& b) {
  CADENZA_CHECK(a.defined() && b.defined(), "{}: undefined tensor", op);
  CADENZA_CHECK(a.dtype() == b.dtype(), "{}: dtypes {} and {} differ (convert one with to_dtype)", op,
                dtype_name(a.dtype()), dtype_name(b.dtype()));
  CADENZA_CHECK(a.device() == b.device(), "{}: tensors on {} and {}; move one with to()", op, a.device().str(),
                b.device().str());
}

Tensor binary_forward(BinaryOp op, const Tensor& a, const Tensor& b) {
  const char* name = name_of(op);
  check_pair(name, a, b);
  CADENZA_CHECK(is_floating(a.dtype()) || (op != BinaryOp::div && op != BinaryOp::pow),
                "{}: needs floating tensors, got {}", name, dtype_name(a.dtype()));
  Shape s = broadcast_shapes(name, a.shape(), b.shape());
  Tensor out = make_tensor(s, a.dtype(), a.device());
  binary_kernel(a.device(), op, a, b, out);
  return out;
}

using Grads = std::vector<Tensor>;

}  // namespace

Kernel<void(BinaryOp, const Tensor&, const Tensor&, const Tensor&)> binary_kernel("binary", &binary_cpu);
Kernel<void(const Tensor&, const Tensor&, const Tensor&, const Tensor&)> where_kernel("where", &where_cpu);

Tensor scalar_like(const Tensor& t, double v) { return Tensor::scalar(v, t.dtype(), t.device()); }

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor y = binary_forward(BinaryOp::add, a, b);
  Shape sa = a.shape(), sb = b.shape();
  record("add", {a, b}, {y}, {}, [sa, sb](const Grads& g, const Grads&) -> Grads {
    return {sum_to(g[0], sa), sum_to(g[0], sb)};
  });
  return y;
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor y = binary_forward(BinaryOp::sub, a, b);
  Shape sa = a.shape(), sb = b.shape();
  record("sub", {a, b}, {y}, {}, [sa, sb](const Grads& g, const Grads&) -> Grads {
    return {sum_to(g[0], sa), sum_to(neg(g[0]), sb)};
  });
  return y;
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor y = binary_forward(BinaryOp::mul, a, b);
  record("mul", {a, b}, {y}, {a, b}, [](const Grads& g, const Grads& s) -> Grads {
    return {sum_to(mul(g[0], s[1]), s[0].shape()), sum_to(mul(g[0], s[0]), s[1].shape())};
  });
  return y;
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor y = binary_forward(BinaryOp::div, a, b);
  record("div", {a, b}, {y}, {a, b}, [](const Grads& g, const Grads& s) -> Grads {
    Tensor ga = div(g[0], s[1]);
    return {sum_to(ga, s[0].shape()), sum_to(neg(mul(ga, div(s[0], s[1]))), s[1].shape())};
  });
  return y;
}

Tensor pow(const Tensor& a, const Tensor& b) {
  Tensor y = binary_forward(BinaryOp::pow, a, b);
  record("pow_tensor", {a, b}, {y}, {a, b, y}, [](const Grads& g, const Grads& s) -> Grads {
    Tensor ga = mul(g[0], mul(s[1], pow(s[0], sub(s[1], 1.0))));
    Tensor gb = mul(g[0], mul(s[2], log(s[0])));
    return {sum_to(ga, s[0].shape()), sum_to(gb, s[1].shape())};
  });
  return y;
}

namespace {
// maximum/minimum: the gradient goes to the selected input; ties split it in half.
Tensor select_binary(BinaryOp op, const char* name, const Tensor& a, const Tensor& b) {
  Tensor y = binary_forward(op, a, b);
  bool is_max = op == BinaryOp::maximum;
  record(name, {a, b}, {y}, {a, b}, [is_max](const Grads& g, const Grads& s) -> Grads {
    Tensor wins = is_max ? gt(s[0], s[1]) : lt(s[0], s[1]);
    Tensor wa = add(wins, mul(eq(s[0], s[1]), 0.5));
    return {sum_to(mul(g[0], wa), s[0].shape()), sum_to(mul(g[0], rsub(1.0, wa)), s[1].shape())};
  });
  return y;
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) { return select_binary(BinaryOp::maximum, "maximum", a, b); }
Tensor minimum(const Tensor& a, const Tensor& b) { return select_binary(BinaryOp::minimum, "minimum", a, b); }

Tensor add(const Tensor& a, double b) { return add(a, scalar_like(a, b)); }
Tensor sub(const Tensor& a, double b) { return sub(a, scalar_like(a, b)); }
Tensor rsub(double a, const Tensor& b) { return sub(scalar_like(b, a), b); }
Tensor mul(const Tensor& a, double b) { return mul(a, scalar_like(a, b)); }
Tensor div(const Tensor& a, double b) { return div(a, scalar_like(a, b)); }
Tensor rdiv(double a, const Tensor& b) { return div(scalar_like(b, a), b); }
Tensor operator-(const Tensor& a) { return neg(a); }

#define CADENZA_COMPARE(fname, OP)                                                              \
  Tensor fname(const Tensor& a, const Tensor& b) { return binary_forward(BinaryOp::OP, a, b); } \
  Tensor fname(const Tensor& a, double b) { return binary_forward(BinaryOp::OP, a, scalar_like(a, b)); }
CADENZA_COMPARE(eq, eq)
CADENZA_COMPARE(ne, ne)
CADENZA_COMPARE(lt, lt)
CADENZA_COMPARE(le, le)
CADENZA_COMPARE(gt, gt)
CADENZA_COMPARE(ge, ge)
#undef CADENZA_COMPARE

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  check_pair("where", a, b);
  CADENZA_CHECK(cond.device() == a.device(), "where: condition on {}, values on {}", cond.device().str(),
                a.device().str());
  Shape s = broadcast_shapes("where", broadcast_shapes("where", cond.shape(), a.shape()), b.shape());
  Tensor out = make_tensor(s, a.dtype(), a.device());
  where_kernel(a.device(), cond, a, b, out);
  Tensor c = cond.detach();
  Shape sa = a.shape(), sb = b.shape();
  record("where", {a, b}, {out}, {}, [c, sa, sb](const Grads& g, const Grads&) -> Grads {
    Tensor z = scalar_like(g[0], 0);
    return {sum_to(where(c, g[0], z), sa), sum_to(where(c, z, g[0]), sb)};
  });
  return out;
}

// ---- registry samples
namespace {
using testing::uniform_input;
void reg2(const char* name, Tensor (*f)(const Tensor&, const Tensor&), double lo, double hi) {
  OpRegistry::add(
      {name, true, [=](DType dt) {
         std::vector<OpSample> v;
         std::pair<Shape, Shape> shapes[] = {{{3, 4}, {3, 4}}, {{3, 1}, {4}}, {{}, {2, 3}}, {{2, 1, 3}, {4, 1}}};
         for (auto& [sa, sb] : shapes)
           v.push_back({fmt::format("{} x {}", shape_str(sa), shape_str(sb)),
                        {uniform_input(sa, dt, lo, hi), uniform_input(sb, dt, lo, hi)},
                        [f](const std::vector<Tensor>& in) { return std::vector<Tensor>{f(in[0], in[1])}; }});
         return v;
       }});
}
const bool registered = [] {
  reg2(
      "add", [](const Tensor& a, const Tensor& b) { return add(a, b); }, -2, 2);
  reg2(
      "sub", [](const Tensor& a, const Tensor& b) { return sub(a, b); }, -2, 2);
  reg2(
      "mul", [](const Tensor& a, const Tensor& b) { return mul(a, b); }, -2, 2);
  reg2(
      "div", [](const Tensor& a, const Tensor& b) { return div(a, b); }, 0.5, 2);
  reg2(
      "pow_tensor", [](const Tensor& a, const Tensor& b) { return pow(a, b); }, 0.5, 2);
  reg2(
      "maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); }, -2, 2);
  reg2(
      "minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); }, -2, 2);
  for (const char* cmp : {"eq", "ne", "lt", "le", "gt", "ge"}) OpRegistry::add({cmp, false, nullptr});
  OpRegistry::add({"where", true, [](DType dt) {
                     std::vector<OpSample> v;
                     v.push_back({"cond [3,1] a [3,4] b [4]",
                                  {uniform_input({3, 1}, dt, -1, 1), uniform_input({3, 4}, dt), uniform_input({4}, dt)},
                                  [](const std::vector<Tensor>& in) {
                                    return std::vector<Tensor>{where(gt(in[0], 0.0), in[1], in[2])};
                                  },
                                  {false, true, true}});
                     return v;
                   }});
  return true;
}();
}  // namespace

}  // namespace cadenza
