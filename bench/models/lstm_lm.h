#pragma once
// The LSTM language model of issue 12's table, built from the engine's layers exactly as
// its PyTorch peer (bench/models/torch_workloads.py) builds it from torch.nn:
//   Embedding(vocab, embed) -> LSTM(embed, hidden, layers, batch_first) -> Linear(hidden, vocab).
// (The registry's token models read one-hot inputs, so none of them has this shape.)
#include <memory>

#include "nn/embedding.h"
#include "nn/linear.h"
#include "nn/rnn.h"
#include "ops/ops.h"

namespace cadenza::bench {

class LstmLm : public nn::Module {
 public:
  LstmLm(int64_t vocab, int64_t embed, int64_t hidden, int64_t layers) : vocab_(vocab) {
    embedding = register_module("embedding", std::make_shared<nn::Embedding>(vocab, embed));
    lstm = register_module(
        "lstm", std::make_shared<nn::LSTM>(embed, hidden, nn::RnnOptions{.num_layers = layers, .batch_first = true}));
    output = register_module("output", std::make_shared<nn::Linear>(hidden, vocab));
  }
  // tokens i64 [B, T] -> logits [B, T, vocab], carrying `state` (empty = zeros).
  Tensor forward(const Tensor& tokens, LstmState& state) {
    nn::LSTM::Result r = lstm->forward(embedding->forward(tokens), state);
    state = r.state;
    return output->forward(r.output);
  }
  int64_t vocab() const { return vocab_; }

  std::shared_ptr<nn::Embedding> embedding;
  std::shared_ptr<nn::LSTM> lstm;
  std::shared_ptr<nn::Linear> output;

 private:
  int64_t vocab_;
};

}  // namespace cadenza::bench
