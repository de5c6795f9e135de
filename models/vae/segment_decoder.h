#pragma once
// One decoder LSTM conditioned on an embedding, the building block of both MusicVAE
// decoders (Magenta's BaseLstmDecoder): the embedding sets the initial state through
// tanh(dense(e)) and is concatenated to every input; the input at step t is the one-hot
// of token t − 1 (zeros at the start, or always zeros when not autoregressive).
// The flat decoder is one segment with e = z; the hierarchical decoder runs one segment
// per bar with e = the conductor's output for that bar.
#include <memory>
#include <vector>

#include "engine/rng.h"
#include "nn/linear.h"
#include "nn/rnn.h"

namespace cadenza::models::vae {

class SegmentDecoder : public nn::Module {
 public:
  SegmentDecoder(int64_t vocab, int64_t embedding, int64_t hidden, int64_t layers, bool autoregressive);

  // Teacher forcing: emb [B, E], prev [B, L, V] (one-hot of the previous tokens) ->
  // logits [B, L, V]. With sample_prob > 0 each input after the first is, with that
  // probability per sequence and step, the one-hot of a token drawn from the previous
  // step's (detached) logits instead (scheduled sampling).
  Tensor teacher(const Tensor& emb, const Tensor& prev, double sample_prob, Generator* gen);
  // Free running: emb [B, E], first input prev0 [B, V] -> `length` tokens per row,
  // appended to `out` (row-major [B][length]); returns the last token's one-hot [B, V].
  // temperature 0: argmax.
  Tensor generate(const Tensor& emb, const Tensor& prev0, int64_t length, double temperature, Generator& gen,
                  std::vector<std::vector<int32_t>>& out);

 private:
  LstmState initial_state(const Tensor& emb) const;
  Tensor step(const Tensor& prev, const Tensor& emb, LstmState& state);  // prev [B, L, V] -> logits

  int64_t vocab_, hidden_, layers_;
  bool autoregressive_;
  std::shared_ptr<nn::Linear> init_;
  std::shared_ptr<nn::LSTM> lstm_;
  std::shared_ptr<nn::Linear> output_;
};

}  // namespace cadenza::models::vae
