// LSTM, GRU and Embedding against PyTorch (tests/fixtures/rnn.safetensors).
#include <catch2/catch.hpp>
#include <cmath>

#include "nn/embedding.h"
#include "nn/rnn.h"
#include "ops/ops.h"
#include "tests/fixtures/parity.h"

using namespace cadenza;
using Catch::Matchers::Contains;

TEST_CASE("LSTM (2 layers, bidirectional, initial state) matches torch.nn.LSTM", "[nn][rnn][parity]") {
  parity::Fixture f("rnn");
  nn::LSTM lstm(4, 3, {.num_layers = 2, .bidirectional = true});
  CHECK(lstm.named_parameters()[4].first == "weight_ih_l0_reverse");
  LstmState final_state;
  parity::check_layer(f, "lstm", lstm, {"x", "h0", "c0"}, [&](auto& in) {
    auto r = lstm.forward(in[0], {in[1], in[2]});
    final_state = r.state;
    return r.output;
  });
  parity::check_close(final_state.h, f.get("lstm.out1_0"), "h_n");
  parity::check_close(final_state.c, f.get("lstm.out1_1"), "c_n");
}

TEST_CASE("LSTM with batch_first and zero initial state matches PyTorch", "[nn][rnn][parity]") {
  parity::Fixture f("rnn");
  nn::LSTM lstm(3, 4, {.batch_first = true});
  parity::check_layer(f, "lstm_batch_first", lstm, {"x"}, [&](auto& in) { return lstm.forward(in[0]).output; });
}

TEST_CASE("GRU (2 layers, bidirectional) matches torch.nn.GRU", "[nn][rnn][parity]") {
  parity::Fixture f("rnn");
  nn::GRU gru(4, 3, {.num_layers = 2, .bidirectional = true});
  Tensor h_n;
  parity::check_layer(f, "gru", gru, {"x", "h0"}, [&](auto& in) {
    auto r = gru.forward(in[0], in[1]);
    h_n = r.h;
    return r.output;
  });
  parity::check_close(h_n, f.get("gru.out1_0"), "h_n");
}

TEST_CASE("Embedding matches torch.nn.Embedding", "[nn][embedding][parity]") {
  parity::Fixture f("rnn");
  nn::Embedding emb(7, 3);
  parity::check_layer(f, "embedding", emb, {"idx"}, [&](auto& in) { return emb.forward(in[0]); });
}

TEST_CASE("LSTM dropout acts between layers in training only", "[nn][rnn]") {
  manual_seed(3);
  nn::LSTM lstm(4, 5, {.num_layers = 2, .dropout = 0.5});
  Tensor x = Tensor::ones({6, 2, 4});
  Generator g(1);
  auto a = lstm.forward(x).output.to_vector<float>();
  auto b = lstm.forward(x).output.to_vector<float>();
  CHECK(a != b);  // two different masks
  lstm.eval();
  CHECK(lstm.forward(x).output.to_vector<float>() == lstm.forward(x).output.to_vector<float>());
  nn::LSTM one_layer(4, 5, {.num_layers = 1, .dropout = 0.5});
  CHECK(one_layer.forward(x).output.to_vector<float>() == one_layer.forward(x).output.to_vector<float>());
}

TEST_CASE("recurrent layers name the shapes they expect", "[nn][rnn]") {
  nn::LSTM lstm(4, 3, {.num_layers = 2});
  CHECK_THROWS_WITH(lstm.forward(Tensor::ones({5, 2, 3})), Contains("LSTM") && Contains("[5, 2, 3]"));
  CHECK_THROWS_WITH(lstm.forward(Tensor::ones({5, 2, 4}), {Tensor::zeros({1, 2, 3}), {}}),
                    Contains("initial state [1, 2, 3] should be [2, 2, 3]"));
}

TEST_CASE("recurrent and embedding initialisation follow PyTorch", "[nn][rnn][init]") {
  Generator gen(11);
  nn::LSTM lstm(64, 256, {}, gen);
  double b = 1 / std::sqrt(256.0);
  auto w = lstm.named_parameters()[1].second.to_vector<float>();  // weight_hh_l0 [1024, 256]
  double var = 0, lo = 1e9, hi = -1e9;
  for (float v : w) var += v * v, lo = std::min<double>(lo, v), hi = std::max<double>(hi, v);
  CHECK(var / double(w.size()) == Approx(b * b / 3).epsilon(0.02));
  CHECK(lo >= -b);
  CHECK(hi <= b);
  nn::Embedding emb(1000, 200, gen);
  auto e = emb.weight.to_vector<float>();
  double m = 0, v2 = 0;
  for (float v : e) m += v, v2 += double(v) * v;
  CHECK(m / double(e.size()) == Approx(0).margin(0.01));
  CHECK(v2 / double(e.size()) == Approx(1).epsilon(0.02));
}
