#include "bench/lstm/lstm_lm.h"

#include <immintrin.h>
#include <algorithm>
#include <chrono>
#include <vector>

#include "engine/autograd.h"
#include "engine/cpu/blas.h"
#include "engine/cpu/parallel.h"
#include "ops/ops.h"

namespace cadenza::bench {

std::unique_ptr<LstmLm> make_lstm_lm() { return std::make_unique<LstmLm>(kVocab, kEmbed, kHidden, kLayers); }

std::unique_ptr<optim::Adam> make_adam(LstmLm& model, double lr) {
  return std::make_unique<optim::Adam>(model.parameters(), optim::AdamOptions{.lr = lr});
}

int64_t inference_weight_bytes(const LstmLm& model) {
  int64_t lstm_weights = 0;
  for (const Tensor& p : model.lstm->parameters())
    if (p.dim() == 2) lstm_weights += p.numel();
  const int64_t bytes = model.lstm->inference_precision() == nn::WeightPrecision::bf16 ? 2 : 4;
  return model.output->weight.numel() * 4 + lstm_weights * bytes;
}

TrainBatch random_batch(int64_t batch, int64_t length, uint64_t seed) {
  Generator gen(seed);
  return {randint(0, kVocab, {batch, length}, &gen), randint(0, kVocab, {batch, length}, &gen)};
}

double train_step(LstmLm& model, optim::Adam& opt, const TrainBatch& batch) {
  opt.zero_grad();
  LstmState state;
  Tensor logits = model.forward(batch.inputs, state);
  Tensor loss = cross_entropy(reshape(logits, {-1, kVocab}), reshape(batch.targets, {-1}));
  backward(loss);
  opt.step();
  return loss.item<double>();
}

double train_flops_per_token() {
  const double H = kHidden, V = kVocab;
  double fwd = 2 * V * H;
  for (int64_t l = 0; l < kLayers; ++l) fwd += 2 * 4 * H * ((l == 0 ? kEmbed : H) + H);
  return 3 * fwd;  // backward: the input gradient and the weight gradient, each a forward's worth
}

std::vector<int64_t> sample_tokens(LstmLm& model, int64_t length, Generator& gen) {
  NoGradGuard no_grad;
  nn::EvalScope eval(model);
  std::vector<int64_t> out;
  Tensor tok = Tensor::zeros({1, 1}, DType::i64);
  LstmState state;
  for (int64_t i = 0; i < length; ++i) {
    Tensor logits = model.forward(tok, state);
    tok = multinomial(softmax(reshape(logits, {1, kVocab}), -1), 1, &gen);
    out.push_back(tok.item<int64_t>());
  }
  return out;
}

namespace {

template <class Fn>
double best_seconds(int reps, Fn&& fn) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

// Sum of n floats, read once (16 lanes at a time where AVX-512 is there).
float read_all(const float* p, int64_t n) {
#ifdef __AVX512F__
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = _mm512_add_ps(a0, _mm512_loadu_ps(p + i));
    a1 = _mm512_add_ps(a1, _mm512_loadu_ps(p + i + 16));
    a2 = _mm512_add_ps(a2, _mm512_loadu_ps(p + i + 32));
    a3 = _mm512_add_ps(a3, _mm512_loadu_ps(p + i + 48));
  }
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
  float s = 0;
  for (float v : lanes) s += v;
#else
  float s = 0;
  int64_t i = 0;
#endif
  for (; i < n; ++i) s += p[i];
  return s;
}

}  // namespace

Limits measure_limits() {
  Limits l;
  // sgemm at the training step's largest GEMM: the layer-2 input projection of all steps.
  const int64_t M = 32 * 128, N = 4 * kHidden, K = kHidden;
  std::vector<float> a(size_t(M * K), 0.5f), b(size_t(N * K), 0.25f), c(size_t(M * N));
  double s =
      best_seconds(5, [&] { cpu::gemm<float>(false, true, M, N, K, 1.f, a.data(), K, b.data(), K, 0.f, c.data(), N); });
  l.sgemm_gflops = 2.0 * M * N * K / s / 1e9;
  // Streaming: every thread reads its share of a buffer as large as the f32 weights.
  const int64_t n = inference_weight_bytes(*make_lstm_lm()) / 4;
  std::vector<float> w(size_t(n), 1.f);
  const int parts = cpu::num_threads();
  std::vector<float> sums(static_cast<size_t>(parts), 0.f);
  volatile float sink = 0;
  s = best_seconds(20, [&] {
    cpu::parallel_for(parts, 1, [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        int64_t lo = n * p / parts, hi = n * (p + 1) / parts;
        sums[size_t(p)] = read_all(w.data() + lo, hi - lo);
      }
    });
    sink = sink + sums[0];
  });
  l.stream_gbs = double(n) * 4 / s / 1e9;
  return l;
}

}  // namespace cadenza::bench
