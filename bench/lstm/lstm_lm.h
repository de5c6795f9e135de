#pragma once
// The LSTM language model of issue 12's LSTM workloads and the work each one times; shared by
// bench_lstm and the tests that check the benchmark computes what it claims.
//   Embedding(390, 256) -> LSTM(256, 512, 2 layers, batch_first) -> Linear(512, 390)
#include <memory>

#include "engine/nn/embedding.h"
#include "engine/nn/linear.h"
#include "engine/nn/rnn.h"
#include "engine/optim/adam.h"

namespace cadenza::bench {

struct LstmLm : nn::Module {
  static constexpr int64_t kVocab = 390, kEmbed = 256, kHidden = 512, kLayers = 2;
  LstmLm();
  // tokens i64 [B, T] -> logits [B, T, V], carrying `state` (undefined = zeros).
  Tensor forward(const Tensor& tokens, LstmState& state);
  std::unique_ptr<optim::Adam> adam(double lr);
  // Bytes of weights one batch-1 sampling step reads (LSTM and output layer, at the
  // precision the LSTM runs at).
  int64_t inference_weight_bytes() const;

  std::shared_ptr<nn::Embedding> embed;
  std::shared_ptr<nn::LSTM> lstm;
  std::shared_ptr<nn::Linear> out;
};

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
