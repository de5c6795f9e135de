// Google Benchmark micro-benchmarks of the hot kernels of issue 12's models, at their
// sizes: GEMM shapes (the matmul op), the fused LSTM cell, attention, softmax +
// cross-entropy, layer norm, and MuseGAN's convolutions. "fwd" times the op alone;
// "fwd_bwd" adds the backward pass from a sum of the output.
//
//   CADENZA_THREADS=2 build/bench/engine/bench_kernels [--benchmark_filter=REGEX]
//
// Counters: FLOP/s for GEMM-shaped work (2·M·N·K per product), items/s elsewhere.
#include <benchmark/benchmark.h>

#include "nn/rnn.h"
#include "ops/autograd.h"
#include "ops/ops.h"
#include "ops/samples.h"

using namespace cadenza;

namespace {

Tensor input(const Shape& s, bool grad = false) {
  Tensor t = testing::uniform_input(s, DType::f32);
  if (grad) t.set_requires_grad(true);
  return t;
}

// Times fn() (forward) or fn() + backward(sum) when the state's arg(0) is 1.
template <class Fn>
void forward_maybe_backward(benchmark::State& state, bool bwd, Fn fn) {
  for (auto _ : state) {
    Tensor y = fn();
    if (bwd) backward(sum(y));
    benchmark::DoNotOptimize(y.data<float>());
  }
}

// matmul(a [M,K], b [N,K]^T or [K,N]) at the models' shapes; args: M, N, K, trans_b.
void BM_Matmul(benchmark::State& state) {
  const int64_t M = state.range(0), N = state.range(1), K = state.range(2);
  const bool tb = state.range(3) != 0;
  Tensor a = input({M, K}), b = tb ? input({N, K}) : input({K, N});
  for (auto _ : state) {
    Tensor c = matmul(a, b, false, tb);
    benchmark::DoNotOptimize(c.data<float>());
  }
  state.counters["FLOP/s"] = benchmark::Counter(2.0 * M * N * K, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Matmul)
    ->ArgNames({"M", "N", "K", "tB"})
    ->Args({4096, 2048, 256, 1})  // LSTM LM input projection (B32 T128, E256 -> 4·512)
    ->Args({32, 2048, 512, 1})    // LSTM recurrent step, batch 32
    ->Args({1, 2048, 512, 1})     // LSTM recurrent step, batch 1 (sampling)
    ->Args({4096, 390, 512, 1})   // LSTM LM output logits
    ->Args({4096, 768, 256, 1})   // Transformer QKV projection (B16 T256, d 256)
    ->Args({4096, 1024, 256, 1})  // Transformer FFN up
    ->Args({4096, 256, 1024, 1})  // Transformer FFN down
    ->Args({64, 2048, 70, 1})     // music_vae decoder input projection per step
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// The fused LSTM cell (two GEMMs + pointwise gates); args: batch, hidden, fwd_bwd.
void BM_LstmCell(benchmark::State& state) {
  const int64_t B = state.range(0), H = state.range(1), I = H;
  const bool bwd = state.range(2) != 0;
  Tensor x = input({B, I}, bwd), h = input({B, H}, bwd), c = input({B, H}, bwd);
  Tensor wi = input({4 * H, I}, bwd), wh = input({4 * H, H}, bwd), bi = input({4 * H}, bwd), bh = input({4 * H}, bwd);
  forward_maybe_backward(state, bwd, [&] { return lstm_cell(x, h, c, wi, wh, bi, bh).h; });
  state.counters["FLOP/s"] =
      benchmark::Counter((bwd ? 3.0 : 1.0) * 2.0 * B * 4 * H * (I + H), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_LstmCell)
    ->ArgNames({"B", "H", "bwd"})
    ->Args({1, 512, 0})
    ->Args({32, 512, 0})
    ->Args({32, 512, 1})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// A GRU layer (nn::GRU: one input GEMM, then a cell per step on select(gates, 0, t)),
// forward + backward; args: length T, batch 32, hidden 256. Its backward gathers T slabs
// of the input projection's gradient (Node::input_slab).
void BM_GruLayer(benchmark::State& state) {
  const int64_t T = state.range(0), B = 32, H = 256;
  nn::GRU gru(H, H);
  Tensor x = input({T, B, H}, true);
  forward_maybe_backward(state, true, [&] { return gru.forward(x).output; });
  state.SetItemsProcessed(state.iterations() * T * B);
}
BENCHMARK(BM_GruLayer)->ArgName("T")->Arg(32)->Arg(128)->Unit(benchmark::kMillisecond)->UseRealTime();

// Causal attention [B, heads, L, 32]; args: batch, L, fwd_bwd.
void BM_Attention(benchmark::State& state) {
  const int64_t B = state.range(0), L = state.range(1), heads = 8, D = 32;
  const bool bwd = state.range(2) != 0;
  Tensor q = input({B, heads, L, D}, bwd), k = input({B, heads, L, D}, bwd), v = input({B, heads, L, D}, bwd);
  forward_maybe_backward(state, bwd, [&] { return attention(q, k, v, true); });
  state.counters["FLOP/s"] = benchmark::Counter((bwd ? 3.0 : 1.0) * 4.0 * B * heads * L * L * D,
                                                benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Attention)
    ->ArgNames({"B", "L", "bwd"})
    ->Args({16, 256, 0})
    ->Args({16, 256, 1})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// Softmax + cross-entropy over [rows, V] logits; args: rows, V, fwd_bwd.
void BM_CrossEntropy(benchmark::State& state) {
  const int64_t N = state.range(0), V = state.range(1);
  const bool bwd = state.range(2) != 0;
  Tensor logits = input({N, V}, bwd), target = randint(0, V, {N});
  forward_maybe_backward(state, bwd, [&] { return cross_entropy(logits, target); });
  state.SetItemsProcessed(state.iterations() * N);
}
BENCHMARK(BM_CrossEntropy)
    ->ArgNames({"rows", "V", "bwd"})
    ->Args({4096, 390, 0})
    ->Args({4096, 390, 1})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// Layer norm over the last axis of [rows, d] with weight and bias; args: rows, d, fwd_bwd.
void BM_LayerNorm(benchmark::State& state) {
  const int64_t N = state.range(0), D = state.range(1);
  const bool bwd = state.range(2) != 0;
  Tensor x = input({N, D}, bwd), w = input({D}, bwd), b = input({D}, bwd);
  forward_maybe_backward(state, bwd, [&] { return layer_norm(x, {D}, w, b); });
  state.SetItemsProcessed(state.iterations() * N);
}
BENCHMARK(BM_LayerNorm)
    ->ArgNames({"rows", "d", "bwd"})
    ->Args({4096, 256, 0})
    ->Args({4096, 256, 1})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// MuseGAN small's critic input conv (5 -> 16 channels, octave kernel (1,1,12) stride 12)
// and generator's first transposed conv (32 -> 16, (4,1) stride 4); arg: fwd_bwd.
void BM_Conv3dCritic(benchmark::State& state) {
  const bool bwd = state.range(0) != 0;
  Tensor x = input({16, 5, 4, 48, 84}, bwd), w = input({16, 5, 1, 1, 12}, bwd), b = input({16}, bwd);
  forward_maybe_backward(state, bwd, [&] { return conv3d(x, w, b, {.stride = {1, 1, 12}}); });
  state.SetItemsProcessed(state.iterations() * 16);
}
BENCHMARK(BM_Conv3dCritic)->ArgName("bwd")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_ConvTranspose2dGenerator(benchmark::State& state) {
  const bool bwd = state.range(0) != 0;
  Tensor x = input({64, 32, 3, 7}, bwd), w = input({32, 16, 4, 1}, bwd), b = input({16}, bwd);
  forward_maybe_backward(state, bwd, [&] { return conv_transpose2d(x, w, b, {.stride = {4, 1}}); });
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(BM_ConvTranspose2dGenerator)->ArgName("bwd")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
