#pragma once
// The work each of bench_lstm's workloads times, on issue 12's LSTM language model
//   Embedding(390, 256) -> LSTM(256, 512, 2 layers, batch_first) -> Linear(512, 390)
// (the model class is bench/compare's, bench/models/lstm_lm.h), and the machine's limits.
#include <memory>

#include "bench/models/lstm_lm.h"
#include "optim/adam.h"

namespace cadenza::bench {

// Issue 12's sizes of the shared bench model (bench/models/lstm_lm.h).
inline constexpr int64_t kVocab = 390, kEmbed = 256, kHidden = 512, kLayers = 2;
std::unique_ptr<LstmLm> make_lstm_lm();
std::unique_ptr<optim::Adam> make_adam(LstmLm& model, double lr);
// Bytes of weights one batch-1 sampling step reads (LSTM and output layer, at the
// precision the LSTM runs at).
int64_t inference_weight_bytes(const LstmLm& model);

struct TrainBatch {
  Tensor inputs, targets;  // i64 [B, T]
};
TrainBatch random_batch(int64_t batch, int64_t length, uint64_t seed = 1);
// zero_grad, forward, mean cross-entropy, backward, Adam step; returns the loss.
double train_step(LstmLm& model, optim::Adam& opt, const TrainBatch& batch);
// Multiply-adds ×2 of one training step per token (forward + both backward GEMMs).
double train_flops_per_token();
// Batch-1 sampling of `length` tokens from token 0: softmax + multinomial each step.
std::vector<int64_t> sample_tokens(LstmLm& model, int64_t length, Generator& gen);

// The machine's limits at the current thread count: sgemm GFLOP/s at the training step's
// largest shape, and GB/s of reading a buffer the size of the model's f32 weights.
struct Limits {
  double sgemm_gflops = 0, stream_gbs = 0;
  double fraction = 0;  // filled per workload: rate relative to its limit
};
Limits measure_limits();

}  // namespace cadenza::bench
