// The caching allocator keeps a training loop off the OS: after its first step, a step of a
// 2×512 LSTM language model (vocabulary 390, batch 32, length 128 — Performance RNN's
// shape) allocates no new memory from the OS.
#include <catch2/catch.hpp>

#include "engine/cpu/allocator.h"
#include "nn/embedding.h"
#include "nn/linear.h"
#include "nn/rnn.h"
#include "ops/ops.h"
#include "optim/adam.h"
#include "optim/clip.h"

using namespace cadenza;

namespace {
struct LstmLm : nn::Module {
  LstmLm(int64_t vocab, int64_t hidden, int64_t layers) {
    embed = register_module("embed", std::make_shared<nn::Embedding>(vocab, hidden));
    lstm = register_module(
        "lstm", std::make_shared<nn::LSTM>(hidden, hidden,
                                           nn::RnnOptions{.num_layers = layers, .batch_first = true, .dropout = 0.1}));
    head = register_module("head", std::make_shared<nn::Linear>(hidden, vocab));
  }
  Tensor loss(const Tensor& tokens, const Tensor& targets) {
    return cross_entropy(head->forward(lstm->forward(embed->forward(tokens)).output), targets);
  }
  std::shared_ptr<nn::Embedding> embed;
  std::shared_ptr<nn::LSTM> lstm;
  std::shared_ptr<nn::Linear> head;
};
}  // namespace

TEST_CASE("an LSTM LM training step asks the OS for no memory after the first", "[nn][memory]") {
  manual_seed(0);
  LstmLm model(390, 512, 2);
  optim::Adam opt(model.parameters(), {.lr = 1e-3});
  Tensor tokens = randint(0, 390, {32, 128});
  Tensor targets = randint(0, 390, {32, 128});
  auto step = [&] {
    opt.zero_grad();
    Tensor loss = model.loss(tokens, targets);
    backward(loss);
    optim::clip_grad_norm(model.parameters(), 1.0);
    opt.step();
    return loss.item<float>();
  };
  float first = step();
  auto before = cpu::allocator_stats();
  float second = step();
  auto after = cpu::allocator_stats();
  INFO("bytes held from the OS: " << before.os_bytes << " -> " << after.os_bytes);
  CHECK(after.os_allocations == before.os_allocations);
  CHECK(after.cache_hits > before.cache_hits);
  CHECK(second < first);  // it is really training
}
