#include "ops/lstm_layer.h"

#include "engine/autograd.h"
#include "engine/cpu/blas.h"
#include "engine/cpu/matvec.h"
#include "engine/cpu/parallel.h"
#include "engine/op_registry.h"
#include "ops/autograd.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/half_matmul.h"
#include "ops/matmul.h"
#include "ops/samples.h"
#include "ops/view.h"

namespace cadenza {
namespace {
using Grads = std::vector<Tensor>;

void check_layer_args(const Tensor& x, const Tensor& h0, const Tensor& c0, const Tensor& w_ih, const Tensor& w_hh,
                      const Tensor& b_ih, const Tensor& b_hh) {
  CADENZA_CHECK(x.dim() == 3 && h0.dim() == 2 && h0.shape() == c0.shape() && h0.size(0) == x.size(1),
                "lstm_layer: x {} must be [T, B, I] with h0 {} and c0 {} both [B, H]", shape_str(x.shape()),
                shape_str(h0.shape()), shape_str(c0.shape()));
  check_lstm_weights("lstm_layer", x.size(2), h0.size(1), w_ih, w_hh, b_ih, b_hh);
  for (const Tensor* t : {&h0, &c0, &w_ih, &w_hh, &b_ih, &b_hh}) {
    if (!t->defined()) continue;
    CADENZA_CHECK(t->dtype() == x.dtype() && t->device() == x.device(),
                  "lstm_layer: every tensor needs x's dtype and device ({} on {}), got {} on {}", dtype_name(x.dtype()),
                  x.device().str(), dtype_name(t->dtype()), t->device().str());
  }
}

// The step index of the i-th step taken.
int64_t step_at(int64_t i, int64_t T, bool reverse) { return reverse ? T - 1 - i : i; }

// What the fused forward keeps for its backward besides the inputs and the output.
struct LayerTape {
  Tensor gates;  // [T, B, 4H] pre-activations
  Tensor cells;  // [T, B, H] c_t
};

// The summed biases b_ih + b_hh (empty without biases).
template <class T>
std::vector<T> summed_bias(const Tensor& b_ih, const Tensor& b_hh, int64_t G4) {
  std::vector<T> bias;
  if (!b_ih.defined() && !b_hh.defined()) return bias;
  bias.assign(static_cast<size_t>(G4), T(0));
  for (const Tensor* b : {&b_ih, &b_hh}) {
    if (!b->defined()) continue;
    const T* v = b->data<T>();  // once: data() checks the dtype and device on every call
    for (int64_t j = 0; j < G4; ++j) bias[size_t(j)] += v[j];
  }
  return bias;
}

// Fused forward on the CPU, for any weight store: project(X, rows, G) writes G = X W_ihᵀ
// for `rows` rows of X; recur(h, G_t) adds h W_hhᵀ to the B rows of G_t. x, h0, c0 dense;
// returns y [T, B, H], h_n, c_n and the tape.
template <class T, class Project, class Recur>
std::pair<LstmLayerResult, LayerTape> fused_forward(const Tensor& x, const Tensor& h0, const Tensor& c0,
                                                    const std::vector<T>& bias, Project&& project, Recur&& recur,
                                                    bool reverse) {
  const int64_t S = x.size(0), B = x.size(1), H = h0.size(1), G4 = 4 * H;
  const DType dt = x.dtype();
  Tensor gates = make_tensor({S, B, G4}, dt, x.device());
  Tensor cells = make_tensor({S, B, H}, dt, x.device());
  Tensor y = make_tensor({S, B, H}, dt, x.device());
  T* g = gates.data<T>();
  project(x.data<T>(), S * B, g);
  if (!bias.empty())
    cpu::parallel_for(S * B, std::max<int64_t>(1, 16384 / G4), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r)
        for (int64_t j = 0; j < G4; ++j) g[r * G4 + j] += bias[size_t(j)];
    });
  Tensor h_prev = h0, c_prev = c0;
  for (int64_t i = 0; i < S; ++i) {
    const int64_t t = step_at(i, S, reverse);
    recur(h_prev.data<T>(), g + t * B * G4);
    Tensor h_t = select(y, 0, t), c_t = select(cells, 0, t);
    lstm_pointwise_kernel(x.device(), select(gates, 0, t), c_prev, h_t, c_t);
    h_prev = h_t;
    c_prev = c_t;
  }
  LstmLayerResult r{y, {clone(h_prev), clone(c_prev)}};  // own storage, not views of y
  return {r, {gates, cells}};
}

// The forward with f32/f64 weight tensors (dense), through the engine's GEMM.
template <class T>
std::pair<LstmLayerResult, LayerTape> fused_forward(const Tensor& x, const Tensor& h0, const Tensor& c0,
                                                    const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                                                    const Tensor& b_hh, bool reverse) {
  const int64_t B = x.size(1), I = x.size(2), H = h0.size(1), G4 = 4 * H;
  const T *wih = w_ih.data<T>(), *whh = w_hh.data<T>();
  if constexpr (std::is_same_v<T, float>) {
    if (x.size(0) == 1 && B == 1) {
      // One step at batch 1 (sampling): h0 is known up front, so both products run in one
      // pass over the weight rows.
      const float* h = h0.data<float>();
      return fused_forward<T>(
          x, h0, c0, summed_bias<T>(b_ih, b_hh, G4),
          [&](const T* X, int64_t, T* G) { cpu::matvec_pair(wih, I, I, X, whh, H, H, h, G4, G); }, [](const T*, T*) {},
          reverse);
    }
  }
  return fused_forward<T>(
      x, h0, c0, summed_bias<T>(b_ih, b_hh, G4),
      [&](const T* X, int64_t rows, T* G) { cpu::gemm<T>(false, true, rows, G4, I, T(1), X, I, wih, I, T(0), G, G4); },
      [&](const T* h, T* G) { cpu::gemm<T>(false, true, B, G4, H, T(1), h, H, whh, H, T(1), G, G4); }, reverse);
}

// Fused backward: the gradients of (x, h0, c0, w_ih, w_hh, b) given those of (y, h_n, c_n).
struct LayerGrads {
  Tensor x, h0, c0, w_ih, w_hh, b;
};

template <class T>
LayerGrads fused_backward(const Tensor& x, const Tensor& h0, const Tensor& c0, const Tensor& w_ih, const Tensor& w_hh,
                          const Tensor& y, const LayerTape& tape, const Tensor& gy, const Tensor& gh, const Tensor& gc,
                          bool reverse, bool want_bias) {
  const int64_t S = x.size(0), B = x.size(1), I = x.size(2), H = h0.size(1), G4 = 4 * H;
  const DType dt = x.dtype();
  const Device dev = x.device();
  Tensor dgates = make_tensor({S, B, G4}, dt, dev);
  Tensor dh = clone(gh.detach()), dc = clone(gc.detach());  // updated in place below
  T* dhp = dh.data<T>();
  const T* gyp = gy.data<T>();
  T* dg = dgates.data<T>();
  for (int64_t i = S - 1; i >= 0; --i) {
    const int64_t t = step_at(i, S, reverse);
    for (int64_t k = 0; k < B * H; ++k) dhp[k] += gyp[t * B * H + k];
    Tensor c_prev = i == 0 ? c0 : select(tape.cells, 0, step_at(i - 1, S, reverse));
    lstm_pointwise_backward_kernel(dev, select(tape.gates, 0, t), c_prev, dh, dc, select(dgates, 0, t), dc);
    cpu::gemm<T>(false, false, B, H, G4, T(1), dg + t * B * G4, G4, w_hh.data<T>(), H, T(0), dhp, H);
  }
  LayerGrads out;
  out.h0 = dh;
  out.c0 = dc;
  out.x = make_tensor({S, B, I}, dt, dev);
  cpu::gemm<T>(false, false, S * B, I, G4, T(1), dg, G4, w_ih.data<T>(), I, T(0), out.x.data<T>(), I);
  out.w_ih = make_tensor({G4, I}, dt, dev);
  cpu::gemm<T>(true, false, G4, I, S * B, T(1), dg, G4, x.data<T>(), I, T(0), out.w_ih.data<T>(), I);
  // dW_hh = Σ_t dG_tᵀ h_{t−1}: the steps whose previous state is an output of this layer
  // in one GEMM (they are contiguous in y), then the first step's, from h0.
  out.w_hh = make_tensor({G4, H}, dt, dev);
  T* dwhh = out.w_hh.data<T>();
  const int64_t first = step_at(0, S, reverse);
  const int64_t later = reverse ? 0 : 1;  // the first of the steps fed by y
  const int64_t fed = reverse ? 1 : 0;    // where their previous states start in y
  cpu::gemm<T>(true, false, G4, H, (S - 1) * B, T(1), dg + later * B * G4, G4, y.data<T>() + fed * B * H, H, T(0), dwhh,
               H);
  cpu::gemm<T>(true, false, G4, H, B, T(1), dg + first * B * G4, G4, h0.data<T>(), H, S > 1 ? T(1) : T(0), dwhh, H);
  if (want_bias) {
    out.b = Tensor::zeros({G4}, dt, dev);
    T* db = out.b.data<T>();
    cpu::parallel_for(G4, 256, [&](int64_t j0, int64_t j1) {
      for (int64_t r = 0; r < S * B; ++r)
        for (int64_t j = j0; j < j1; ++j) db[j] += dg[r * G4 + j];
    });
  }
  return out;
}

}  // namespace

namespace {

// The per-step loop shared by the composed layer and the f16 one: project(x, 0) = x W_ihᵀ,
// project(h, 1) = h W_hhᵀ.
template <class Project>
LstmLayerResult step_loop(const Tensor& x, const Tensor& h0, const Tensor& c0, Project&& project, const Tensor& b_ih,
                          const Tensor& b_hh, bool reverse) {
  const int64_t S = x.size(0);
  Tensor gx = project(x, 0);
  if (b_ih.defined()) gx = add(gx, b_ih);
  LstmState state{h0, c0};
  std::vector<Tensor> hs(static_cast<size_t>(S));
  for (int64_t i = 0; i < S; ++i) {
    const int64_t t = step_at(i, S, reverse);
    Tensor gates = add(select(gx, 0, t), project(state.h, 1));
    if (b_hh.defined()) gates = add(gates, b_hh);
    state = lstm_pointwise(gates, state.c);
    hs[static_cast<size_t>(t)] = state.h;
  }
  return {stack(hs, 0), state};
}

}  // namespace

LstmLayerResult lstm_layer_composed(const Tensor& x, const Tensor& h0, const Tensor& c0, const Tensor& w_ih,
                                    const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh, bool reverse) {
  check_layer_args(x, h0, c0, w_ih, w_hh, b_ih, b_hh);
  return step_loop(
      x, h0, c0, [&](const Tensor& v, int which) { return matmul(v, which == 0 ? w_ih : w_hh, false, true); }, b_ih,
      b_hh, reverse);
}

LstmLayerResult lstm_layer_half(const Tensor& x, const Tensor& h0, const Tensor& c0, const LstmHalfWeights& w,
                                bool reverse) {
  CADENZA_CHECK(x.dim() == 3 && w.w_ih.defined() && w.w_hh.defined() && x.size(2) == w.w_ih.cols,
                "lstm_layer_half: input {} does not match the f16 weights' {} inputs", shape_str(x.shape()),
                w.w_ih.cols);
  return step_loop(
      x, h0, c0, [&](const Tensor& v, int which) { return matmul_half(v, which == 0 ? w.w_ih : w.w_hh); }, w.b_ih,
      w.b_hh, reverse);
}

namespace {

bool lstm_layer_cpu_supports(const Tensor& x, const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                             const Tensor&, bool) {
  return is_floating(x.dtype()) && x.size(0) > 0;
}

// The fused layer on the CPU, recorded as one node whose backward is fused too.
LstmLayerResult lstm_layer_cpu(const Tensor& x, const Tensor& h0, const Tensor& c0, const Tensor& w_ih,
                               const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh, bool reverse) {
  std::vector<Tensor> inputs{x, h0, c0, w_ih, w_hh};
  const bool has_bias = b_ih.defined() || b_hh.defined();
  for (const Tensor* b : {&b_ih, &b_hh})
    if (b->defined()) inputs.push_back(*b);
  std::vector<Tensor> dense_in;
  for (const Tensor& t : inputs) dense_in.push_back(dense_untracked(t));
  const Tensor& bi = b_ih.defined() ? dense_in[5] : Tensor();
  const Tensor& bh = b_hh.defined() ? dense_in[b_ih.defined() ? 6 : 5] : Tensor();
  std::pair<LstmLayerResult, LayerTape> fwd = dispatch_float(x.dtype(), "lstm_layer", [&]<class T>() {
    NoGradGuard no_grad;
    return fused_forward<T>(dense_in[0], dense_in[1], dense_in[2], dense_in[3], dense_in[4], bi, bh, reverse);
  });
  LstmLayerResult r = fwd.first;
  if (!needs_grad(inputs)) return r;
  LayerTape tape = fwd.second;
  // Saved: the inputs (dense copies where they were strided, for the fused kernels) and y.
  std::vector<Tensor> save = inputs;
  save.push_back(r.output);
  record("lstm_layer", inputs, {r.output, r.last.h, r.last.c}, save,
         [tape, reverse, has_bias, nb = inputs.size() - 5](const Grads& g, const Grads& s) -> Grads {
           const Tensor &sx = s[0], &sh0 = s[1], &sc0 = s[2], &swih = s[3], &swhh = s[4];
           if (GradMode::enabled()) {
             // A graph of the gradient is wanted: differentiate the composed recomputation.
             LstmLayerResult again = lstm_layer_composed(sx, sh0, sc0, swih, swhh, nb > 0 ? s[5] : Tensor(),
                                                         nb > 1 ? s[6] : Tensor(), reverse);
             std::vector<Tensor> wrt(s.begin(), s.end() - 1);
             std::vector<Tensor> asked;
             for (const Tensor& t : wrt)
               if (t.requires_grad()) asked.push_back(t);
             Grads got = grad({again.output, again.last.h, again.last.c}, asked, {g[0], g[1], g[2]},
                              {.create_graph = true, .allow_unused = true});
             Grads out;
             size_t k = 0;
             for (const Tensor& t : wrt) out.push_back(t.requires_grad() ? got[k++] : Tensor());
             return out;
           }
           LayerGrads d = dispatch_float(sx.dtype(), "lstm_layer", [&]<class T>() {
             return fused_backward<T>(dense_untracked(sx), dense_untracked(sh0), dense_untracked(sc0),
                                      dense_untracked(swih), dense_untracked(swhh), s.back(), tape,
                                      dense_untracked(g[0]), dense_untracked(g[1]), dense_untracked(g[2]), reverse,
                                      has_bias);
           });
           Grads out{d.x, d.h0, d.c0, d.w_ih, d.w_hh};
           for (size_t k = 0; k < nb; ++k) out.push_back(d.b);
           return out;
         });
  return r;
}

bool lstm_layer_bf16_cpu_supports(const Tensor& x, const Tensor& h0, const Tensor& c0, const LstmInferenceWeights&,
                                  bool) {
  for (const Tensor* t : {&x, &h0, &c0})
    if (t->dtype() != DType::f32 || t->device() != x.device()) return false;
  return !needs_grad({&x, &h0, &c0});
}

}  // namespace

LstmLayerKernel lstm_layer_kernel("lstm_layer", {&lstm_layer_cpu_supports, &lstm_layer_cpu});
LstmLayerBf16Kernel lstm_layer_bf16_kernel("lstm_layer_bf16", {&lstm_layer_bf16_cpu_supports, &lstm_layer_inference});

LstmLayerResult lstm_layer(const Tensor& x, const Tensor& h0, const Tensor& c0, const Tensor& w_ih, const Tensor& w_hh,
                           const Tensor& b_ih, const Tensor& b_hh, bool reverse) {
  check_layer_args(x, h0, c0, w_ih, w_hh, b_ih, b_hh);
  if (auto fused = lstm_layer_kernel(x.device(), x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)) return *fused;
  return lstm_layer_composed(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse);
}

LstmInferenceWeights quantize_lstm_weights(const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                                           const Tensor& b_hh) {
  CADENZA_CHECK(w_ih.dim() == 2 && w_hh.dim() == 2 && w_ih.size(0) == w_hh.size(0) && w_hh.size(0) == 4 * w_hh.size(1),
                "quantize_lstm_weights: w_ih {} and w_hh {} must be [4H, I] and [4H, H]", shape_str(w_ih.shape()),
                shape_str(w_hh.shape()));
  NoGradGuard no_grad;
  // Host f32 copies of whatever the layer holds (f64 or Vulkan weights are converted).
  auto host = [](const Tensor& t) { return t.defined() ? contiguous(to(to_dtype(t, DType::f32), Device::cpu())) : t; };
  Tensor wi = host(w_ih), wh = host(w_hh);
  LstmInferenceWeights q;
  q.w_ih = cpu::Bf16Matrix::from_f32(wi.data<float>(), wi.size(0), wi.size(1));
  q.w_hh = cpu::Bf16Matrix::from_f32(wh.data<float>(), wh.size(0), wh.size(1));
  q.bias = summed_bias<float>(host(b_ih), host(b_hh), w_hh.size(0));
  return q;
}

LstmLayerResult lstm_layer_inference(const Tensor& x, const Tensor& h0, const Tensor& c0, const LstmInferenceWeights& w,
                                     bool reverse) {
  const int64_t H = w.w_hh.cols, I = w.w_ih.cols;
  CADENZA_CHECK(x.dim() == 3 && x.size(2) == I && h0.shape() == Shape({x.size(1), H}) && c0.shape() == h0.shape(),
                "lstm_layer_inference: x {} must be [T, B, I = {}] with h0 {} and c0 {} both [B, H = {}]",
                shape_str(x.shape()), I, shape_str(h0.shape()), shape_str(c0.shape()), H);
  for (const Tensor* t : {&x, &h0, &c0})
    CADENZA_CHECK(t->dtype() == DType::f32 && t->device() == Device::cpu(),
                  "lstm_layer_inference: bf16 weights run on f32 CPU tensors, got {} on {}", dtype_name(t->dtype()),
                  t->device().str());
  CADENZA_CHECK(!needs_grad({&x, &h0, &c0}), "lstm_layer_inference: inference only (use NoGradGuard)");
  const int64_t B = x.size(1), G4 = 4 * H;
  const Tensor h = dense_untracked(h0);
  if (x.size(0) == 1 && B == 1)  // one step at batch 1: both products in one pass over the rows
    return fused_forward<float>(
               dense_untracked(x), h, dense_untracked(c0), w.bias,
               [&](const float* X, int64_t, float* G) { cpu::matvec_pair(w.w_ih, X, w.w_hh, h.data<float>(), G); },
               [](const float*, float*) {}, reverse)
        .first;
  return fused_forward<float>(
             dense_untracked(x), h, dense_untracked(c0), w.bias,
             [&](const float* X, int64_t rows, float* G) { cpu::matmul_bf16(w.w_ih, rows, X, I, G, G4, false); },
             [&](const float* h, float* G) { cpu::matmul_bf16(w.w_hh, B, h, H, G, G4, true); }, reverse)
      .first;
}

// ---- registry samples: both directions, with and without biases (B=2, I=3, H=2, T=3).
namespace {
using testing::uniform_input;
std::vector<Tensor> layer_outputs(const LstmLayerResult& r) { return {r.output, r.last.h, r.last.c}; }
const bool registered = [] {
  OpRegistry::add(
      {"lstm_layer", true, [](DType dt) {
         auto in = [dt](bool bias) {
           std::vector<Tensor> v{uniform_input({3, 2, 3}, dt), uniform_input({2, 2}, dt), uniform_input({2, 2}, dt),
                                 uniform_input({8, 3}, dt), uniform_input({8, 2}, dt)};
           if (bias) v.insert(v.end(), {uniform_input({8}, dt), uniform_input({8}, dt)});
           return v;
         };
         auto run = [](bool reverse) {
           return [reverse](const std::vector<Tensor>& x) {
             return layer_outputs(x.size() > 5 ? lstm_layer(x[0], x[1], x[2], x[3], x[4], x[5], x[6], reverse)
                                               : lstm_layer(x[0], x[1], x[2], x[3], x[4], {}, {}, reverse));
           };
         };
         return std::vector<OpSample>{{"T=3 B=2 I=3 H=2 with biases", in(true), run(false)},
                                      {"T=3 B=2 I=3 H=2 no bias", in(false), run(false)},
                                      {"reverse, with biases", in(true), run(true)}};
       }});
  return true;
}();
}  // namespace

}  // namespace cadenza
