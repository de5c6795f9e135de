// nn::LSTM's reduced-precision inference: bf16 weights give the f32 layer's outputs within
// bf16's rounding, only where no gradient is recorded, and the snapshot can be dropped.
#include <catch2/catch.hpp>
#include <cmath>

#include "engine/autograd.h"
#include "nn/rnn.h"
#include "ops/ops.h"

using namespace cadenza;

namespace {

double max_abs_diff(const Tensor& a, const Tensor& b) {
  auto x = a.to_vector<float>(), y = b.to_vector<float>();
  REQUIRE(x.size() == y.size());
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, double(std::abs(x[i] - y[i])));
  return worst;
}

}  // namespace

TEST_CASE("an LSTM with bf16 inference weights stays close to f32, both directions", "[nn][rnn][bf16]") {
  Generator gen(5);
  nn::LSTM lstm(48, 64, {.num_layers = 2, .batch_first = true, .bidirectional = true}, gen);
  Tensor x = randn({3, 20, 48}, DType::f32, &gen);
  NoGradGuard no_grad;
  nn::LSTM::Result f32 = lstm.forward(x);
  lstm.quantize_for_inference(nn::WeightPrecision::bf16);
  CHECK(lstm.inference_precision() == nn::WeightPrecision::bf16);
  nn::LSTM::Result bf16 = lstm.forward(x);
  const double out = max_abs_diff(f32.output, bf16.output), c = max_abs_diff(f32.state.c, bf16.state.c);
  INFO("max |Δh| " << out << ", max |Δc| " << c);
  CHECK(out > 0);  // the bf16 weights were used
  CHECK(out < 0.02);
  CHECK(c < 0.05);
  lstm.quantize_for_inference(nn::WeightPrecision::f32);
  CHECK(max_abs_diff(lstm.forward(x).output, f32.output) == 0);
}

TEST_CASE("bf16 inference weights are used step by step, and never for gradients", "[nn][rnn][bf16]") {
  Generator gen(6);
  nn::LSTM lstm(8, 16, {.num_layers = 2}, gen);
  Tensor x = randn({5, 1, 8}, DType::f32, &gen);
  Tensor f32 = lstm.forward(x).output;
  CHECK(nn::quantize_lstms_for_inference(lstm, nn::WeightPrecision::bf16) == 1);
  // Under grad mode the f32 parameters run (bit-identical) and gradients flow.
  Tensor trained = lstm.forward(x).output;
  CHECK(max_abs_diff(trained, f32) == 0);
  backward(sum(trained));
  CHECK(lstm.parameters()[0].grad().defined());
  // Batch-1 sampling feeds one step at a time: the same as the whole sequence at once.
  NoGradGuard no_grad;
  Tensor whole = lstm.forward(x).output;
  LstmState state;
  for (int64_t t = 0; t < 5; ++t) {
    nn::LSTM::Result r = lstm.forward(narrow(x, 0, t, 1), state);
    state = r.state;
    CHECK(max_abs_diff(r.output, narrow(whole, 0, t, 1)) < 1e-6);
  }
  CHECK(max_abs_diff(whole, f32) > 0);
}
