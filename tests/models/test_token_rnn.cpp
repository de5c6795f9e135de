// melody_rnn (basic and attention) and performance_rnn (with conditioning): loss,
// overfitting, carried state, reload, sampling options and the control signals.
#include <catch2/catch.hpp>
#include <cmath>

#include "models/lstm/performance_condition.h"
#include "models/lstm/token_rnn.h"
#include "music/repr/tokenizer.h"
#include "tests/models/model_checks.h"

using namespace cadenza;
using namespace cadenza::models;
using Catch::Matchers::Contains;

namespace {

// Two sequences of T tokens < vocab behind the start token; the second has 2 padded steps.
Batch token_batch(int64_t vocab, int64_t T, int64_t condition_size = 0) {
  const int64_t B = 2;
  std::vector<int64_t> in, tg;
  std::vector<float> mask;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < T; ++t) {
      int64_t tok = (t * 7 + b * 3 + (t * t) % 5) % vocab;
      int64_t prev = t == 0 ? kStartToken : ((t - 1) * 7 + b * 3 + ((t - 1) * (t - 1)) % 5) % vocab;
      bool pad = b == 1 && t >= T - 2;
      in.push_back(prev);
      tg.push_back(pad ? -100 : tok);
      mask.push_back(pad ? 0.f : 1.f);
    }
  Batch batch{Tensor::from_vector<int64_t>(in, {B, T}),
              Tensor::from_vector<int64_t>(tg, {B, T}),
              Tensor::from_vector<float>(mask, {B, T}),
              {}};
  if (condition_size > 0) {
    std::vector<float> c(size_t(B * T * condition_size));
    for (size_t i = 0; i < c.size(); ++i) c[i] = float((i * 37) % 11) / 11.f;
    batch.condition = Tensor::from_vector<float>(c, {B, T, condition_size});
  }
  return batch;
}

struct Case {
  const char* model;
  nlohmann::json overrides;
  int64_t condition_size;
};

std::vector<Case> cases() {
  return {{"melody_rnn", {{"hidden", 32}, {"num_layers", 2}}, 0},
          {"melody_rnn", {{"variant", "attention_rnn"}, {"hidden", 24}, {"num_layers", 2}, {"attn_length", 4}}, 0},
          {"performance_rnn", {{"hidden", 32}, {"note_density", true}, {"pitch_histogram", true}}, 20}};
}

std::shared_ptr<Model> build(const Case& c) {
  manual_seed(11);
  return make_model(c.model, "small", c.overrides);
}

std::string label(const Case& c) { return std::string(c.model) + " " + c.overrides.dump(); }

}  // namespace

TEST_CASE("token RNN loss is the masked mean cross-entropy, correct counts argmax hits", "[models][token_rnn]") {
  for (const Case& c : cases()) {
    INFO(label(c));
    auto model = build(c);
    auto& rnn = dynamic_cast<TokenRnn&>(*model);
    Batch batch = token_batch(rnn.vocab_size(), 6, c.condition_size);
    LossResult r = model->loss(batch);
    CHECK(r.steps == 10);
    // Near-uniform at initialisation.
    CHECK(r.loss.item<double>() == Approx(std::log(double(rnn.vocab_size()))).epsilon(0.1));
    Tensor logp = log_softmax(model->forward(batch), -1);
    auto lp = logp.to_vector<float>();
    auto tg = batch.targets.to_vector<int64_t>();
    double nll = 0;
    for (size_t i = 0; i < tg.size(); ++i)
      if (tg[i] >= 0) nll -= lp[i * size_t(rnn.vocab_size()) + size_t(tg[i])];
    CHECK(r.nll_sum == Approx(nll).epsilon(1e-5));
    CHECK(r.correct >= 0);
    CHECK(r.correct <= 10);
  }
}

TEST_CASE("token RNNs overfit a tiny fixed batch", "[models][token_rnn]") {
  for (const Case& c : cases()) {
    INFO(label(c));
    auto model = build(c);
    Batch batch = token_batch(dynamic_cast<TokenRnn&>(*model).vocab_size(), 8, c.condition_size);
    // From ln V (3.6 for melody, 6.0 for performance) to under 0.2 nats per token.
    double loss = testing::overfit(*model, batch, 150, 2e-2);
    CHECK(loss < 0.2);
    // Both sequences start from the same start input with different targets, so one of
    // those two first steps is missed unless a condition tells them apart.
    LossResult r = model->loss(batch);
    CHECK(r.correct >= r.steps - 1);
  }
}

TEST_CASE("token RNN stepping with carried state equals the full-sequence forward", "[models][token_rnn]") {
  for (const Case& c : cases()) {
    INFO(label(c));
    auto model = build(c);
    auto& rnn = dynamic_cast<TokenRnn&>(*model);
    Batch batch = token_batch(rnn.vocab_size(), 7, c.condition_size);
    model->eval();
    NoGradGuard ng;
    auto full = model->forward(batch).to_vector<float>();
    TokenRnnState state;
    std::vector<Tensor> steps;
    for (int64_t t = 0; t < 7; ++t)
      steps.push_back(rnn.step(narrow(batch.inputs, 1, t, 1),
                               c.condition_size ? narrow(batch.condition, 1, t, 1) : Tensor{}, state));
    testing::check_all_close(concat(steps, 1).to_vector<float>(), full, 1e-5);
  }
}

TEST_CASE("token RNNs reloaded from their state dict give the same logits", "[models][token_rnn]") {
  for (const Case& c : cases()) {
    INFO(label(c));
    auto model = build(c);
    testing::check_reload_same_logits(*model,
                                      token_batch(dynamic_cast<TokenRnn&>(*model).vocab_size(), 5, c.condition_size));
  }
}

TEST_CASE("token RNNs sample valid scores under every option", "[models][token_rnn]") {
  for (const Case& c : cases()) {
    INFO(label(c));
    auto model = build(c);
    auto tok = music::repr::make_tokenizer(model->tokenizer());
    // A primer: what the model itself produces from a fixed seed.
    Generator g0(5);
    SampleOptions p;
    p.length = 12;
    music::Score primer = model->sample(p, g0);
    std::vector<int32_t> primer_tokens = tok->encode(primer);

    std::vector<SampleOptions> opts(6);
    opts[0].temperature = 0.7;
    opts[1].top_k = 3;
    opts[2].top_p = 0.8;
    opts[3].beam = 3;
    opts[4].beam = 2;
    opts[4].top_k = 1;  // fewer distinct candidates than the beam
    opts[5].primer = primer;
    opts[5].beam = 2;
    if (c.condition_size)
      opts[0].controls = {{"note_density", 3.5}, {"pitch_histogram", {1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1}}};
    for (SampleOptions& o : opts) {
      o.length = 10;
      Generator gen(9);
      music::Score s = model->sample(o, gen);
      std::vector<int32_t> out = tok->encode(s);
      CHECK_NOTHROW(music::repr::check_tokens(out, tok->vocab_size(), tok->name()));
      if (o.primer) CHECK(std::equal(primer_tokens.begin(), primer_tokens.end(), out.begin()));
    }
    // Same seed, same sample.
    Generator a(4), b(4);
    CHECK(tok->encode(model->sample(opts[0], a)) == tok->encode(model->sample(opts[0], b)));

    SampleOptions bad;
    bad.top_k = -1;
    Generator gen(1);
    CHECK_THROWS_WITH(model->sample(bad, gen), Contains(c.model) && Contains("top_k"));
    bad = {};
    bad.beam = 0;
    CHECK_THROWS_WITH(model->sample(bad, gen), Contains("beam"));
    bad = {};
    bad.temperature = -1;
    CHECK_THROWS_WITH(model->sample(bad, gen), Contains("temperature"));
  }
}

TEST_CASE("performance_rnn rejects bad controls and bad conditions", "[models][token_rnn]") {
  auto model = build(cases()[2]);
  Generator gen(1);
  SampleOptions o;
  o.length = 2;
  o.controls = {{"note_density", -1}};
  CHECK_THROWS_WITH(model->sample(o, gen), Contains("note_density"));
  o.controls = {{"pitch_histogram", {1, 2}}};
  CHECK_THROWS_WITH(model->sample(o, gen), Contains("pitch_histogram"));
  Batch batch = token_batch(388, 4, 0);
  CHECK_THROWS_WITH(model->forward(batch), Contains("performance_rnn") && Contains("condition"));
}

TEST_CASE("melody_rnn and performance_rnn presets follow Magenta", "[models][token_rnn]") {
  auto mel = find_model("melody_rnn").preset("paper");
  CHECK(mel["hidden"] == 128);
  CHECK(mel["num_layers"] == 2);
  CHECK(mel["dropout"] == 0.5);
  CHECK(find_model("melody_rnn").preset("attention")["attn_length"] == 40);
  auto perf = find_model("performance_rnn").preset("paper");
  CHECK(perf["hidden"] == 512);
  CHECK(perf["num_layers"] == 3);
  CHECK_THROWS_WITH(make_model("melody_rnn", "small", {{"variant", "lookback"}}), Contains("unknown variant"));
  CHECK_THROWS_WITH(make_model("melody_rnn", "small", {{"attn_length", 5}}), Contains("attn_length"));
  auto m = make_model("melody_rnn", "small");
  CHECK(m->tokenizer() == "melody");
  CHECK(find_model("melody_rnn").make(m->config())->num_parameters() == m->num_parameters());
}

TEST_CASE("performance control signals follow Magenta's definitions", "[models][performance_condition]") {
  using T = std::vector<int32_t>;
  const int32_t on60 = 60, on64 = 64, off60 = 128 + 60, off64 = 128 + 64, shift1s = 256 + 99, vel = 356 + 10;
  // 2 notes in the first second, then 1 s of silence: from token 0, the 3 s window
  // is cut to the 2 s the piece lasts -> 1 note/s (bin 1); tokens 1, 2 repeat it.
  T toks{vel, on60, on64, shift1s, off60, off64, shift1s};
  auto rows = performance_condition(toks, {true, true});
  REQUIRE(rows.size() == toks.size() * 20);
  auto density_bin = [&](size_t i) {
    return std::max_element(rows.begin() + i * 20, rows.begin() + i * 20 + 8) - (rows.begin() + i * 20);
  };
  CHECK(density_bin(0) == 1);
  CHECK(density_bin(1) == 1);
  CHECK(density_bin(4) == 0);  // after the first second: no note-on left
  // Histogram at token 0: C and E each sound 1 s (+ 0.01 prior), normalised.
  double total = 2 * 1.0 + 12 * 0.01;
  CHECK(rows[8 + 0] == Approx(1.01 / total));
  CHECK(rows[8 + 4] == Approx(1.01 / total));
  CHECK(rows[8 + 1] == Approx(0.01 / total));
  CHECK(note_density_bin(0.5) == 0);
  CHECK(note_density_bin(1.0) == 1);
  CHECK(note_density_bin(100) == 7);
  CHECK(performance_condition(toks, {}).empty());
  auto row = performance_control_row(nlohmann::json::object(), {true, true});
  CHECK(row[note_density_bin(15)] == 1.f);
  CHECK(row[8] == Approx(1.0 / 12));
}
