#include "ops/lstm.h"

#include <cmath>

#include "engine/autograd.h"
#include "engine/cpu/parallel.h"
#include "engine/op_registry.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/matmul.h"
#include "ops/samples.h"
#include "ops/unary.h"
#include "ops/vec_math.h"
#include "ops/view.h"

namespace cadenza {
namespace {
using Grads = std::vector<Tensor>;

template <class T>
T sigmoid_of(T x) {
  return x >= T(0) ? T(1) / (T(1) + std::exp(-x)) : std::exp(x) / (T(1) + std::exp(x));
}
template <class T>
T tanh_of(T x) {
  return std::tanh(x);
}
template <class T>
T splat(double v) {
  return T(v);
}
// Lanes V (one T, or a vector of them) loaded from and stored to consecutive units.
template <class V, class T>
V load(const T* p) {
#ifdef __AVX512F__
  if constexpr (sizeof(V) == sizeof(__m512))
    return _mm512_loadu_ps(p);
  else
#endif
    return *p;
}
template <class V, class T>
void store(T* p, V v) {
#ifdef __AVX512F__
  if constexpr (sizeof(V) == sizeof(__m512))
    _mm512_storeu_ps(p, v);
  else
#endif
    *p = v;
}
#ifdef __AVX512F__
// 16 units at a time for f32: the same formulas on AVX-512 lanes (ops/vec_math.h).
using F16 = __m512;
template <>
F16 sigmoid_of(F16 x) {
  return vec::sigmoid(x);
}
template <>
F16 tanh_of(F16 x) {
  return vec::tanh(x);
}
template <>
F16 splat(double v) {
  return _mm512_set1_ps(float(v));
}
#endif

// The activated gates of units j.. of one row (V: one unit of type T, or a vector of
// them) and the new cell state; shared by both kernels.
template <class V, class T>
struct UnitState {
  V i, f, g, o, c_prev, c_new;
  UnitState(const T* gates_row, const T* c_prev_at, int64_t H, int64_t j)
      : i(sigmoid_of(load<V>(gates_row + j))),
        f(sigmoid_of(load<V>(gates_row + H + j))),
        g(tanh_of(load<V>(gates_row + 2 * H + j))),
        o(sigmoid_of(load<V>(gates_row + 3 * H + j))),
        c_prev(load<V>(c_prev_at)),
        c_new(f * c_prev + i * g) {}
};

// Units j.. of row b: h' and c' (forward).
template <class V, class T>
void forward_units(const T* gp, const T* cp, T* hp, T* cn, int64_t H, int64_t b, int64_t j) {
  const int64_t k = b * H + j;
  UnitState<V, T> u(gp + b * 4 * H, cp + k, H, j);
  store<V>(cn + k, u.c_new);
  store<V>(hp + k, u.o * tanh_of(u.c_new));
}

// Units j.. of row b: the gate gradients and dc_prev (backward).
template <class V, class T>
void backward_units(const T* gp, const T* cp, const T* gh, const T* gc, T* gg, T* gcp, int64_t H, int64_t b,
                    int64_t j) {
  const int64_t k = b * H + j;
  UnitState<V, T> u(gp + b * 4 * H, cp + k, H, j);
  const V one = splat<V>(1), tc = tanh_of(u.c_new), dh = load<V>(gh + k);
  const V dc = load<V>(gc + k) + dh * u.o * (one - tc * tc);  // total gradient reaching c'
  T* row = gg + b * 4 * H;
  store<V>(row + j, dc * u.g * u.i * (one - u.i));
  store<V>(row + H + j, dc * u.c_prev * u.f * (one - u.f));
  store<V>(row + 2 * H + j, dc * u.i * (one - u.g * u.g));
  store<V>(row + 3 * H + j, dh * tc * u.o * (one - u.o));
  store<V>(gcp + k, dc * u.f);
}

// Runs fn.template operator()<V>(b, j) over every unit of a [B, H] state, parallel over
// the batch: 16-unit vectors for f32 where AVX-512 is there, single units otherwise.
template <class T, class Fn>
void for_each_unit(int64_t B, int64_t H, Fn&& fn) {
  cpu::parallel_for(B, std::max<int64_t>(1, 4096 / std::max<int64_t>(H, 1)), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      int64_t j = 0;
#ifdef __AVX512F__
      if constexpr (std::is_same_v<T, float>)
        for (; j + 16 <= H; j += 16) fn.template operator()<F16>(b, j);
#endif
      for (; j < H; ++j) fn.template operator()<T>(b, j);
    }
  });
}

void lstm_pointwise_cpu(const Tensor& gates, const Tensor& c, const Tensor& h_out, const Tensor& c_out) {
  const int64_t B = c.size(0), H = c.size(1);
  dispatch_float(gates.dtype(), "lstm_pointwise", [&]<class T>() {
    const T *gp = gates.data<T>(), *cp = c.data<T>();
    T *hp = h_out.data<T>(), *cn = c_out.data<T>();
    for_each_unit<T>(B, H, [&]<class V>(int64_t b, int64_t j) { forward_units<V>(gp, cp, hp, cn, H, b, j); });
  });
}

void lstm_pointwise_backward_cpu(const Tensor& gates, const Tensor& c, const Tensor& grad_h, const Tensor& grad_c,
                                 const Tensor& grad_gates, const Tensor& grad_c_prev) {
  const int64_t B = c.size(0), H = c.size(1);
  dispatch_float(gates.dtype(), "lstm_pointwise", [&]<class T>() {
    const T *gp = gates.data<T>(), *cp = c.data<T>(), *gh = grad_h.data<T>(), *gc = grad_c.data<T>();
    T *gg = grad_gates.data<T>(), *gcp = grad_c_prev.data<T>();
    for_each_unit<T>(B, H, [&]<class V>(int64_t b, int64_t j) { backward_units<V>(gp, cp, gh, gc, gg, gcp, H, b, j); });
  });
}

// The kernels read dense rows; copy only when the layout is not already dense.

// The same cell written with ops, for the backward with create_graph: differentiating
// through it gives the second-order terms.
Grads lstm_pointwise_backward_ops(const Tensor& gates, const Tensor& c, const Tensor& gh, const Tensor& gc) {
  const int64_t H = c.size(1);
  Tensor i = sigmoid(narrow(gates, 1, 0, H)), f = sigmoid(narrow(gates, 1, H, H));
  Tensor g = tanh(narrow(gates, 1, 2 * H, H)), o = sigmoid(narrow(gates, 1, 3 * H, H));
  Tensor tc = tanh(add(mul(f, c), mul(i, g)));
  Tensor dc = add(gc, mul(mul(gh, o), rsub(1.0, square(tc))));
  auto dsigmoid = [](const Tensor& s) { return mul(s, rsub(1.0, s)); };
  Tensor d_gates = concat({mul(mul(dc, g), dsigmoid(i)), mul(mul(dc, c), dsigmoid(f)),
                           mul(mul(dc, i), rsub(1.0, square(g))), mul(mul(gh, tc), dsigmoid(o))},
                          1);
  return {d_gates, mul(dc, f)};
}

Grads lstm_pointwise_backward_fused(const Tensor& gates, const Tensor& c, const Tensor& gh, const Tensor& gc) {
  Tensor d_gates = make_tensor(gates.shape(), gates.dtype(), gates.device());
  Tensor d_c = make_tensor(c.shape(), c.dtype(), c.device());
  lstm_pointwise_backward_kernel(gates.device(), dense_untracked(gates), dense_untracked(c), dense_untracked(gh),
                                 dense_untracked(gc), d_gates, d_c);
  return {d_gates, d_c};
}

}  // namespace

Kernel<void(const Tensor&, const Tensor&, const Tensor&, const Tensor&)> lstm_pointwise_kernel("lstm_pointwise",
                                                                                               &lstm_pointwise_cpu);
Kernel<void(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&)>
    lstm_pointwise_backward_kernel("lstm_pointwise_backward", &lstm_pointwise_backward_cpu);

LstmState lstm_pointwise(const Tensor& gates, const Tensor& c) {
  CADENZA_CHECK(c.dim() == 2 && gates.dim() == 2 && gates.size(0) == c.size(0) && gates.size(1) == 4 * c.size(1),
                "lstm_pointwise: gates {} must be [B, 4H] for cell state {} [B, H]", shape_str(gates.shape()),
                shape_str(c.shape()));
  CADENZA_CHECK(gates.dtype() == c.dtype() && is_floating(c.dtype()),
                "lstm_pointwise: gates ({}) and cell state ({}) need one floating dtype", dtype_name(gates.dtype()),
                dtype_name(c.dtype()));
  CADENZA_CHECK(gates.device() == c.device(), "lstm_pointwise: gates on {}, cell state on {}", gates.device().str(),
                c.device().str());
  Tensor h_out = make_tensor(c.shape(), c.dtype(), c.device());
  Tensor c_out = make_tensor(c.shape(), c.dtype(), c.device());
  lstm_pointwise_kernel(c.device(), dense_untracked(gates), dense_untracked(c), h_out, c_out);
  record("lstm_pointwise", {gates, c}, {h_out, c_out}, {gates, c}, [](const Grads& g, const Grads& s) -> Grads {
    return GradMode::enabled() ? lstm_pointwise_backward_ops(s[0], s[1], g[0], g[1])
                               : lstm_pointwise_backward_fused(s[0], s[1], g[0], g[1]);
  });
  return {h_out, c_out};
}

void check_lstm_weights(const char* op, int64_t I, int64_t H, const Tensor& w_ih, const Tensor& w_hh,
                        const Tensor& b_ih, const Tensor& b_hh) {
  CADENZA_CHECK(w_ih.shape() == Shape({4 * H, I}) && w_hh.shape() == Shape({4 * H, H}),
                "{}: w_ih {} and w_hh {} must be [4H, I] = {} and [4H, H] = {}", op, shape_str(w_ih.shape()),
                shape_str(w_hh.shape()), shape_str({4 * H, I}), shape_str({4 * H, H}));
  for (const Tensor* b : {&b_ih, &b_hh})
    CADENZA_CHECK(!b->defined() || b->shape() == Shape({4 * H}), "{}: bias {} must be [4H] = [{}]", op,
                  shape_str(b->shape()), 4 * H);
}

LstmState lstm_cell(const Tensor& x, const Tensor& h, const Tensor& c, const Tensor& w_ih, const Tensor& w_hh,
                    const Tensor& b_ih, const Tensor& b_hh) {
  CADENZA_CHECK(x.dim() == 2 && h.dim() == 2 && h.shape() == c.shape() && x.size(0) == h.size(0),
                "lstm_cell: x {} must be [B, I] with h {} and c {} both [B, H]", shape_str(x.shape()),
                shape_str(h.shape()), shape_str(c.shape()));
  check_lstm_weights("lstm_cell", x.size(1), h.size(1), w_ih, w_hh, b_ih, b_hh);
  Tensor gates = add(matmul(x, w_ih, false, true), matmul(h, w_hh, false, true));
  if (b_ih.defined()) gates = add(gates, b_ih);
  if (b_hh.defined()) gates = add(gates, b_hh);
  return lstm_pointwise(gates, c);
}

// ---- registry samples: gates in a range where sigmoid/tanh are far from flat.
namespace {
using testing::uniform_input;
std::vector<Tensor> both(const LstmState& s) { return {s.h, s.c}; }
const bool registered = [] {
  OpRegistry::add({"lstm_pointwise", true, [](DType dt) {
                     return std::vector<OpSample>{
                         {"B=2 H=3",
                          {uniform_input({2, 12}, dt, -2, 2), uniform_input({2, 3}, dt, -1, 1)},
                          [](const std::vector<Tensor>& x) { return both(lstm_pointwise(x[0], x[1])); }}};
                   }});
  OpRegistry::add(
      {"lstm_cell", true, [](DType dt) {
         auto in = [dt](bool bias) {
           std::vector<Tensor> v{uniform_input({2, 3}, dt), uniform_input({2, 2}, dt), uniform_input({2, 2}, dt),
                                 uniform_input({8, 3}, dt), uniform_input({8, 2}, dt)};
           if (bias) v.insert(v.end(), {uniform_input({8}, dt), uniform_input({8}, dt)});
           return v;
         };
         return std::vector<OpSample>{
             {"B=2 I=3 H=2 with biases", in(true),
              [](const std::vector<Tensor>& x) { return both(lstm_cell(x[0], x[1], x[2], x[3], x[4], x[5], x[6])); }},
             {"B=2 I=3 H=2 no bias", in(false),
              [](const std::vector<Tensor>& x) { return both(lstm_cell(x[0], x[1], x[2], x[3], x[4])); }},
         };
       }});
  return true;
}();
}  // namespace

}  // namespace cadenza
