// poly_rnn: loss convention, frame accuracy, overfitting, carried state, reload, sampling.
#include <fmt/ranges.h>
#include <catch2/catch.hpp>
#include <cmath>

#include "models/common/step_loss.h"
#include "models/lstm/poly_rnn.h"
#include "music/repr/json_roll.h"
#include "tests/models/model_checks.h"

using namespace cadenza;
using namespace cadenza::models;
using Catch::Matchers::Contains;

namespace {

std::shared_ptr<Model> tiny_poly() {
  manual_seed(7);
  return make_model("poly_rnn", "small", {{"hidden", 24}});
}

// frames [B, T + 1, 88] (a silent start frame, then T frames) as the trainer batches them:
// inputs frames 0..T-1, targets frames 1..T.
Batch shifted_batch(const std::vector<float>& frames, int64_t B, int64_t T, const Tensor& mask) {
  Tensor all = Tensor::from_vector<float>(frames, {B, T + 1, 88});
  return {contiguous(narrow(all, 1, 0, T)), contiguous(narrow(all, 1, 1, T)), mask, {}};
}

// Two 6-frame pieces of 2-3 keys each (the second padded by one frame), shifted by one
// frame behind a silent start frame as the trainer builds them.
Batch tiny_roll_batch() {
  const int64_t B = 2, T = 6, K = 88;
  std::vector<float> frames(B * (T + 1) * K, 0.f), mask(B * T, 1.f);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 1; t <= T; ++t)
      for (int64_t k : {int64_t(39 + (t * 5 + b * 3) % 12), int64_t(51 + (t * 7) % 12), int64_t(30 + t % 3)})
        frames[size_t((b * (T + 1) + t) * K + k)] = 1.f;
  mask[size_t(T + T - 1)] = 0.f;
  return shifted_batch(frames, B, T, Tensor::from_vector<float>(mask, {B, T}));
}

}  // namespace

TEST_CASE("poly_rnn loss is BCE summed over keys per counted frame, accuracy is Bay et al.'s", "[models][poly_rnn]") {
  auto model = tiny_poly();
  Batch batch = tiny_roll_batch();
  LossResult r = model->loss(batch);
  CHECK(r.steps == 11);
  Tensor logits = model->forward(batch);
  auto z = logits.to_vector<float>();
  auto t = batch.targets.to_vector<float>();
  auto m = batch.mask.to_vector<float>();
  double expected = 0;
  for (size_t f = 0; f < m.size(); ++f)
    for (size_t k = 0; k < 88; ++k) {
      double x = z[f * 88 + k], y = t[f * 88 + k];
      expected += m[f] * (std::max(x, 0.0) - x * y + std::log1p(std::exp(-std::abs(x))));
    }
  CHECK(r.nll_sum == Approx(expected).epsilon(1e-5));
  CHECK(r.loss.item<double>() == Approx(expected / 11).epsilon(1e-5));
  // At initialisation every key is near p = 0.5: about 88 log 2 nats per frame.
  CHECK(r.loss.item<double>() == Approx(88 * std::log(2.0)).epsilon(0.1));

  // Frame accuracy by hand: frame 0 predicts {0, 1}, truth {1, 2}: 1 / 3; frame 1 both
  // silent: 1; frame 2 masked out.
  Tensor lg = Tensor::from_vector<float>({1, 1, -1, -1, -1, -1, 5, 5, 5}, {1, 3, 3});
  Tensor tg = Tensor::from_vector<float>({0, 1, 1, 0, 0, 0, 0, 0, 0}, {1, 3, 3});
  Tensor mk = Tensor::from_vector<float>({1, 1, 0}, {1, 3});
  CHECK(frame_accuracy_sum(lg, tg, mk) == Approx(1.0 / 3 + 1));
}

TEST_CASE("poly_rnn overfits a tiny fixed batch", "[models][poly_rnn]") {
  auto model = tiny_poly();
  Batch batch = tiny_roll_batch();
  double loss = testing::overfit(*model, batch, 300, 3e-2);
  // From ~61 nats per frame (88 log 2) to under 1: it memorised the 11 frames.
  CHECK(loss < 1.0);
  LossResult r = model->loss(batch);
  CHECK(r.correct / r.steps > 0.95);
}

TEST_CASE("poly_rnn stepping with carried state equals the full-sequence forward", "[models][poly_rnn]") {
  auto model = tiny_poly();
  auto& poly = dynamic_cast<PolyRnn&>(*model);
  Batch batch = tiny_roll_batch();
  model->eval();
  NoGradGuard ng;
  auto full = model->forward(batch);
  LstmState state;
  std::vector<Tensor> steps;
  for (int64_t t = 0; t < batch.inputs.size(1); ++t) steps.push_back(poly.step(narrow(batch.inputs, 1, t, 1), state));
  Tensor stepped = poly.output_logits(concat(steps, 1), batch.targets);
  testing::check_all_close(stepped.to_vector<float>(), full.to_vector<float>(), 1e-5);
}

TEST_CASE("poly_rnn reloaded from its state dict gives the same logits", "[models][poly_rnn]") {
  auto model = tiny_poly();
  testing::check_reload_same_logits(*model, tiny_roll_batch());
}

TEST_CASE("poly_rnn samples valid scores with a primer and temperatures, bad options throw", "[models][poly_rnn]") {
  auto model = tiny_poly();
  Generator gen(3);
  SampleOptions o;
  o.length = 5;
  music::Score plain = model->sample(o, gen);
  auto steps = music::repr::score_to_roll_piece(plain, 1);
  CHECK(steps.size() <= 5);
  for (const auto& s : steps)
    for (int p : s) CHECK((p >= 21 && p <= 108));

  music::repr::RollPiece primer_piece{{60, 64, 67}, {60, 64, 67}, {59, 62, 67}};
  o.primer = music::repr::roll_piece_to_score(primer_piece, 1);
  for (double temp : {0.5, 1.0, 2.0}) {
    o.temperature = temp;
    auto piece = music::repr::score_to_roll_piece(model->sample(o, gen), 1);
    REQUIRE(piece.size() >= 3);
    CHECK(std::vector<music::repr::RollStep>(piece.begin(), piece.begin() + 3) == primer_piece);
  }
  // Near-zero temperature: deterministic given the state.
  o.temperature = 1e-4;
  Generator g1(1), g2(2);
  CHECK(music::repr::score_to_roll_piece(model->sample(o, g1), 1) ==
        music::repr::score_to_roll_piece(model->sample(o, g2), 1));

  SampleOptions bad;
  bad.length = 0;
  CHECK_THROWS_WITH(model->sample(bad, gen), Contains("poly_rnn") && Contains("length"));
  bad = {};
  bad.temperature = 0;
  CHECK_THROWS_WITH(model->sample(bad, gen), Contains("temperature"));
  bad = {};
  bad.top_p = 1.5;
  CHECK_THROWS_WITH(model->sample(bad, gen), Contains("top_p"));
  bad = {};
  bad.beam = 2;
  CHECK_THROWS_WITH(model->sample(bad, gen), Contains("poly_rnn") && Contains("beam"));
}

TEST_CASE("poly_rnn presets and config errors", "[models][poly_rnn]") {
  CHECK(find_model("poly_rnn").preset("paper")["hidden"] == 300);
  CHECK_THROWS_WITH(find_model("poly_rnn").preset("huge"), Contains("unknown preset 'huge'"));
  CHECK_THROWS_WITH(make_model("poly_rnn", "small", {{"hidden", 0}}), Contains("poly_rnn") && Contains("hidden"));
  CHECK_THROWS_WITH(make_model("poly_rnn", "small", {{"dropout", "x"}}), Contains("dropout"));
  CHECK_THROWS_WITH(make_model("poly_rnn", "small", {{"output", "rbm"}}), Contains("output") && Contains("rbm"));
  CHECK(find_model("poly_rnn").preset("nade")["output"] == "nade");
}

namespace {

std::shared_ptr<Model> tiny_nade() {
  manual_seed(7);
  return make_model("poly_rnn", "nade", {{"hidden", 24}, {"nade_hidden", 16}});
}

// Frames that are one of two chords, chosen by a fixed pseudo-random pattern: the
// best independent-key model puts p = 1/2 on each of the 6 keys (6 log 2 nats a frame),
// the best NADE decides the chord on its first key (log 2).
const std::vector<int64_t> kChordA{39, 43, 46}, kChordB{41, 45, 48};
Batch two_chord_batch() {
  const int64_t B = 4, T = 16, K = 88;
  std::vector<float> frames(B * (T + 1) * K, 0.f);
  uint32_t x = 12345;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 1; t <= T; ++t) {
      x = x * 1103515245u + 12345u;
      for (int64_t k : ((x >> 16) & 1) ? kChordA : kChordB) frames[size_t((b * (T + 1) + t) * K + k)] = 1.f;
    }
  return shifted_batch(frames, B, T, Tensor::ones({B, T}));
}

}  // namespace

TEST_CASE("poly_rnn nade: teacher-forced conditionals equal key-by-key decoding of the same frames",
          "[models][poly_rnn]") {
  auto model = tiny_nade();
  auto& poly = dynamic_cast<PolyRnn&>(*model);
  Batch batch = tiny_roll_batch();
  model->eval();
  NoGradGuard ng;
  Tensor parallel = model->forward(batch);  // [2, 6, 88]
  LstmState state;
  Tensor hidden = reshape(poly.step(batch.inputs, state), {12, -1});
  Tensor truth = reshape(batch.targets, {12, 88});
  Tensor seen;
  NadeOutput* nade = nullptr;
  for (const auto& [name, child] : model->named_children())
    if (name == "nade") nade = dynamic_cast<NadeOutput*>(child.get());
  REQUIRE(nade != nullptr);
  Tensor decoded = nade->decode(
      hidden, [&](int64_t i, const Tensor&) { return reshape(narrow(truth, 1, i, 1), {12}); }, &seen);
  CHECK(decoded.to_vector<float>() == truth.to_vector<float>());
  testing::check_all_close(seen.to_vector<float>(), reshape(parallel, {12, 88}).to_vector<float>(), 1e-5);
  // Changing a key changes only the conditionals of the keys above it.
  Batch changed = batch;
  std::vector<float> t = batch.targets.to_vector<float>();
  t[40] = 1 - t[40];  // frame 0, key 40
  changed.targets = Tensor::from_vector<float>(t, batch.targets.shape());
  auto a = parallel.to_vector<float>(), b = model->forward(changed).to_vector<float>();
  for (size_t k = 0; k <= 40; ++k) CHECK(a[k] == b[k]);
  CHECK(a[41] != b[41]);
}

TEST_CASE("poly_rnn nade models chords that independent keys cannot, and samples them", "[models][poly_rnn]") {
  Batch batch = two_chord_batch();
  auto nade = tiny_nade();
  double nade_loss = testing::overfit(*nade, batch, 250, 3e-2);
  auto bernoulli = tiny_poly();
  double independent_loss = testing::overfit(*bernoulli, batch, 150, 3e-2);
  INFO("nade " << nade_loss << " nats/frame, bernoulli " << independent_loss);
  CHECK(independent_loss > 6 * std::log(2.0) - 0.6);  // cannot go below 6 log 2 without memorising
  CHECK(nade_loss < independent_loss - 2.0);
  // Every frame it samples (sharpened by a low temperature) is one of the two chords; a
  // Bernoulli model mixes them.
  Generator gen(5);
  SampleOptions o;
  o.length = 12;
  o.temperature = 0.3;
  auto piece = music::repr::score_to_roll_piece(nade->sample(o, gen), 1);
  REQUIRE(piece.size() >= 10);
  auto chord = [](const std::vector<int64_t>& keys) {
    music::repr::RollStep s;
    for (int64_t k : keys) s.push_back(int(k) + 21);
    return s;
  };
  for (const auto& step : piece) {
    INFO("sampled frame " << fmt::format("{}", fmt::join(step, " ")));
    CHECK((step == chord(kChordA) || step == chord(kChordB)));
  }
}
