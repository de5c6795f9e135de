#pragma once
// Multi-layer, optionally bidirectional LSTM and GRU with torch.nn.LSTM / torch.nn.GRU's
// parameter names (weight_ih_l0, weight_hh_l0_reverse, ...), gate order, layout
// ([T, B, I], or [B, T, I] with batch_first), dropout between layers (not after the last)
// and initialisation U(±1/sqrt(hidden)). Each layer projects the whole input sequence with
// one GEMM, then steps through time; the LSTM step is the fused cell (ops/lstm.h).
#include <vector>

#include "engine/rng.h"
#include "nn/module.h"
#include "nn/precision.h"
#include "ops/lstm_layer.h"

namespace cadenza::nn {

struct RnnOptions {
  int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;
  double dropout = 0;  // on every layer's output except the last, in training
  bool bidirectional = false;
};

// The shared layer/direction/time loop. A recurrent state is one tensor per part ([h] for
// GRU, [h, c] for LSTM), each [num_layers · directions, B, H].
class RnnBase : public Module {
 public:
  int64_t hidden_size() const { return hidden_; }
  int64_t num_directions() const { return opts_.bidirectional ? 2 : 1; }

 protected:
  struct Weights {
    Tensor w_ih, w_hh, b_ih, b_hh;
    size_t index = 0;  // layer · directions + direction
  };
  RnnBase(const char* name, int64_t gates, int64_t input_size, int64_t hidden_size, RnnOptions opts, Generator& gen,
          Generator* dropout_gen);
  // Initial state parts (undefined = zeros) -> output and final state parts.
  std::pair<Tensor, std::vector<Tensor>> run(const Tensor& x, std::vector<Tensor> init, size_t parts);
  // One layer and direction over the whole sequence seq [T, B, I] from the state parts
  // [B, H] -> output [T, B, H] and the final state parts. By default: one GEMM for all
  // steps' input projections, then cell() step by step.
  virtual std::pair<Tensor, std::vector<Tensor>> layer(const Tensor& seq, std::vector<Tensor> state, const Weights& w,
                                                       bool reverse) const;
  // One time step: gx = x_t W_ihᵀ + b_ih [B, gates·H] and the state parts [B, H] -> new state.
  virtual std::vector<Tensor> cell(const Tensor& gx, const std::vector<Tensor>& state, const Weights& w) const = 0;
  const std::vector<Weights>& layer_weights() const { return weights_; }

 private:
  const char* name_;
  int64_t input_, hidden_;
  RnnOptions opts_;
  std::vector<Weights> weights_;  // [layer · directions + direction]
  Generator* dropout_gen_;
};

class LSTM : public RnnBase {
 public:
  // dropout_gen: the generator of the between-layer dropout (default: the global one).
  LSTM(int64_t input_size, int64_t hidden_size, RnnOptions opts = {}, Generator& gen = default_generator(),
       Generator* dropout_gen = nullptr);
  struct Result {
    Tensor output;    // [T, B, directions · H] (batch_first: [B, T, ...])
    LstmState state;  // h_n, c_n [layers · directions, B, H]
  };
  Result forward(const Tensor& x, const LstmState& init = {});

  // Reduced-precision inference (nn/precision.h): snapshots every layer's weights
  // rounded to `p` (f32 drops the snapshot). forward() uses it whenever it records no
  // gradient and x is f32 on the snapshot's device (bf16: the CPU; f16: the device the
  // layer was on here, which must read 16-bit storage). A snapshot: call again after the
  // weights change (e.g. after loading a checkpoint).
  void quantize_for_inference(WeightPrecision p);
  WeightPrecision inference_precision() const {
    return !inference_.empty() ? WeightPrecision::bf16 : !half_.empty() ? WeightPrecision::f16 : WeightPrecision::f32;
  }

 protected:
  // The fused layer op (ops/lstm_layer.h) instead of the per-step loop.
  std::pair<Tensor, std::vector<Tensor>> layer(const Tensor& seq, std::vector<Tensor> state, const Weights& w,
                                               bool reverse) const override;
  std::vector<Tensor> cell(const Tensor& gx, const std::vector<Tensor>& state, const Weights& w) const override;

 private:
  std::vector<LstmInferenceWeights> inference_;  // bf16, per layer and direction
  std::vector<LstmHalfWeights> half_;            // f16, per layer and direction
};

// quantize_for_inference on every LSTM in `m` and its descendants; returns how many.
int quantize_lstms_for_inference(Module& m, WeightPrecision p);

class GRU : public RnnBase {
 public:
  GRU(int64_t input_size, int64_t hidden_size, RnnOptions opts = {}, Generator& gen = default_generator(),
      Generator* dropout_gen = nullptr);
  struct Result {
    Tensor output;
    Tensor h;  // [layers · directions, B, H]
  };
  Result forward(const Tensor& x, const Tensor& h0 = {});

 protected:
  std::vector<Tensor> cell(const Tensor& gx, const std::vector<Tensor>& state, const Weights& w) const override;
};

}  // namespace cadenza::nn
