#pragma once
// poly_rnn: a polyphonic frame model for the 88-key piano-roll corpora (JSB Chorales,
// Nottingham, MuseData, Piano-midi.de), comparable with Boulanger-Lewandowski, Bengio &
// Vincent (ICML 2012): frame x_t [88] -> (optional input Linear) -> LSTM -> Linear -> 88
// independent Bernoulli logits for x_{t+1}.
//
// Loss: binary cross-entropy summed over the 88 keys, averaged over the masked frames,
// i.e. NLL in nats per time step; Boulanger-Lewandowski's "log-likelihood" -x is our x.
// `correct` sums the frame accuracy of Bay et al. (2009), TP / (TP + FP + FN) per frame
// with the prediction p > 0.5; a frame where both prediction and target are silent
// counts 1 (the silence was predicted exactly).
//
// Start convention: an all-zero (silent) input frame is the start state. The trainer
// should prepend one to every piece's inputs (inputs = [0, x_0 .. x_{n-2}], targets =
// [x_0 .. x_{n-1}]) so the first frame is modelled too, as in the published NLLs; the
// sampler always feeds it first.
//
// Output layer (config key "output"): "bernoulli" (default), 88 independent Bernoulli
// keys per frame; or "nade", the RNN-NADE of the same paper (models/lstm/nade.h), whose
// 88 logits are the conditionals p(key i | keys below i, past) — teacher-forced by the
// target frame in forward() and loss(), decoded key by key when sampling. Its frame
// accuracy predicts each frame greedily (key i on when its conditional, given the keys
// already chosen, exceeds 0.5), never from teacher-forced logits.
//
// Config keys: hidden, num_layers, input_size (0 = frames go straight into the LSTM),
// dropout (between LSTM layers and on its output), steps_per_quarter (the grid of primer
// and output scores; `cadenza train` sets it to the training data's grid), output,
// nade_hidden.
#include <nlohmann/json.hpp>

#include "models/lstm/nade.h"
#include "models/model.h"
#include "nn/linear.h"
#include "nn/rnn.h"

namespace cadenza::models {

class PolyRnn : public Model {
 public:
  explicit PolyRnn(const nlohmann::json& config);
  std::string name() const override { return "poly_rnn"; }
  nlohmann::json config() const override { return config_; }
  Tensor forward(const Batch& batch) override;
  LossResult loss(const Batch& batch) override;
  // Carries the LSTM state of each row across its consecutive evaluation windows.
  std::unique_ptr<EvalSession> eval_session() override;
  // Options: length, temperature (logits / T), primer; top_k, top_p and beam do not apply
  // to independent Bernoulli keys and are rejected when set.
  music::Score sample(const SampleOptions& options, Generator& gen) override;

  // frames f32 [B, T, 88] -> the recurrent output [B, T, hidden] the output layer reads,
  // carrying `state` (undefined = zeros) across calls: stepping frame by frame gives the
  // outputs of one full-sequence call.
  Tensor step(const Tensor& frames, LstmState& state);
  // The 88 logits of each frame: Bernoulli logits, or NADE conditionals given `frames`.
  Tensor output_logits(const Tensor& hidden, const Tensor& frames) const;
  // Frames f32 [N, 88] drawn (or, with temperature 0, chosen greedily) from hidden [N, H].
  Tensor next_frames(const Tensor& hidden, double temperature, Generator* gen) const;

 private:
  // forward()'s logits from `state` (updated), and in `hidden` the recurrent output they
  // were read from (loss() decodes NADE predictions from it).
  Tensor teacher_forced(const Batch& batch, LstmState& state, Tensor& hidden);
  // loss() from `state`, which it updates (an evaluation session's windows).
  LossResult loss(const Batch& batch, LstmState& state);

  nlohmann::json config_;
  int64_t steps_per_quarter_;
  double dropout_;
  std::shared_ptr<nn::Linear> input_;  // null when input_size = 0
  std::shared_ptr<nn::LSTM> lstm_;
  std::shared_ptr<nn::Linear> output_;  // Bernoulli output; null with NADE
  std::shared_ptr<NadeOutput> nade_;    // NADE output; null with Bernoulli
};

}  // namespace cadenza::models
