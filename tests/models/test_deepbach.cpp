// deepbach: the chorale grid encoding, the per-voice networks' loss, overfitting, reload,
// and pseudo-Gibbs harmonisation / infilling keeping fixed cells.
#include <algorithm>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>

#include "models/deepbach/chorale_batch.h"
#include "models/deepbach/gibbs.h"
#include "models/family.h"
#include "tests/models/model_checks.h"

using namespace cadenza;
using namespace cadenza::models;
using namespace cadenza::models::deepbach;
using Catch::Matchers::Contains;

namespace {

const std::filesystem::path kCorpus = std::filesystem::path(CADENZA_SOURCE_DIR) / "data" / "Jsb16thSeparated.json";

const std::map<std::string, std::vector<ChoralePitches>>& corpus() {
  static const auto c = load_separated_chorales(kCorpus);
  return c;
}

std::shared_ptr<DeepBach> tiny_deepbach() {
  manual_seed(11);
  auto m = make_model("deepbach", "small",
                      {{"window", 4}, {"note_embed", 6}, {"meta_embed", 3}, {"lstm_hidden", 16}, {"dense", 24}});
  return std::dynamic_pointer_cast<DeepBach>(m);
}

// Two bars of the first training chorale.
ChoraleGrid excerpt(int64_t steps = 32) {
  ChoralePitches p = corpus().at("train")[0];
  p.resize(size_t(steps));
  return encode_chorale(p, jsb_voice_ranges());
}

}  // namespace

TEST_CASE("deepbach grid: corpus -> grid -> Score -> grid round trip on every chorale", "[models][deepbach]") {
  const VoiceRanges ranges = jsb_voice_ranges();
  size_t pieces = 0;
  for (const auto& [split, chorales] : corpus())
    for (const auto& c : chorales) {
      ChoraleGrid g = encode_chorale(c, ranges);
      CHECK(decode_pitches(g, ranges) == c);
      music::Score s = grid_to_score(g, ranges);
      REQUIRE(s.tracks.size() == 4);
      CHECK(score_to_grid(s, ranges, g.steps) == g);
      ++pieces;
    }
  CHECK(pieces == 382);
}

TEST_CASE("deepbach grid: tokens, holds, rests and the Score's onsets by hand", "[models][deepbach]") {
  const VoiceRanges ranges = jsb_voice_ranges();
  ChoralePitches p = {{72, 64, 55, 48}, {72, 64, -1, 48}, {74, 65, 55, 48}};
  ChoraleGrid g = encode_chorale(p, ranges);
  CHECK(g.at(0, 0) == kFirstPitch + 12);
  CHECK(g.at(1, 0) == kHold);
  CHECK(g.at(1, 2) == kRest);
  CHECK(g.at(2, 2) == pitch_token(ranges[2], 55));  // after a rest: an onset again
  CHECK(g.at(2, 3) == kHold);
  music::Score s = grid_to_score(g, ranges, 480);
  REQUIRE(s.tracks[3].notes.size() == 1);
  CHECK(s.tracks[3].notes[0].end == 360);  // three 16ths
  CHECK(s.tracks[2].notes.size() == 2);
  // A hold with nothing before it decodes as a rest.
  ChoraleGrid lone = g;
  lone.at(0, 1) = kHold;
  lone.at(1, 1) = kHold;
  CHECK(decode_pitches(lone, ranges)[1][1] == -1);
  CHECK(grid_to_score(lone, ranges).tracks[1].notes.size() == 1);
  // Out-of-range pitches name the voice.
  CHECK_THROWS_WITH(encode_chorale({{90, 64, 55, 48}}, ranges), Contains("Soprano") && Contains("90"));
  CHECK(bar_position(-1) == 15);
  CHECK(bar_position(17) == 1);
}

TEST_CASE("deepbach batch windows pad with start/end tokens and carry the bar position", "[models][deepbach]") {
  ChoraleGrid g = excerpt(8);
  Batch b = window_batch({{&g, 1}, {&g, 7}}, 3);
  REQUIRE(b.inputs.shape() == Shape{2, 7, 4});
  auto x = b.inputs.to_vector<int64_t>();
  auto meta = b.condition.to_vector<float>();
  CHECK(x[0] == kStart);                      // step -2
  CHECK(x[size_t(1 * 4)] == kStart);          // step -1
  CHECK(x[size_t(2 * 4)] == g.at(0, 0));      // step 0
  CHECK(x[size_t((7 + 4) * 4 + 2)] == kEnd);  // second row, step 8
  CHECK(meta[0] == 14);                       // step -2 -> bar position 14
  CHECK(meta[1] == 0);                        // no fermatas in the corpus
  auto t = b.targets.to_vector<int64_t>();
  CHECK(t[4 + 3] == g.at(7, 3) - kPadTokens);
  // Evaluation visits every step once.
  int64_t rows = 0, batches = 0;
  for_each_eval_chorale_batch({g, excerpt(5)}, 3, 4, [&](const Batch& e) { rows += e.inputs.size(0), ++batches; });
  CHECK(rows == 13);
  CHECK(batches == 4);
  batches = 0;
  for_each_eval_chorale_batch(
      {g, excerpt(5)}, 3, 4, [&](const Batch&) { ++batches; }, 2);
  CHECK(batches == 2);
  // Training batches are a function of (seed, index).
  std::vector<ChoraleGrid> pieces{g, excerpt(20)};
  CHECK(random_chorale_batch(pieces, 3, 5, 9, 2).inputs.to_vector<int64_t>() ==
        random_chorale_batch(pieces, 3, 5, 9, 2).inputs.to_vector<int64_t>());
}

TEST_CASE("deepbach: transposed training windows shift every pitch alike and keep it in its voice's range",
          "[models][deepbach]") {
  const VoiceRanges ranges = jsb_voice_ranges();
  std::vector<ChoraleGrid> pieces;
  for (size_t i = 0; i < 4; ++i) pieces.push_back(encode_chorale(corpus().at("train")[i], ranges));
  const int64_t W = 4, L = 2 * W + 1, B = 64;
  const Batch plain = random_chorale_batch(pieces, W, B, 5, 3);
  const Batch moved = random_chorale_batch(pieces, W, B, 5, 3, ranges, 3);
  const auto a = plain.inputs.to_vector<int64_t>(), b = moved.inputs.to_vector<int64_t>();
  const auto ta = plain.targets.to_vector<int64_t>(), tb = moved.targets.to_vector<int64_t>();
  std::set<int64_t> shifts;
  for (int64_t w = 0; w < B; ++w) {
    std::optional<int64_t> shift;
    for (int64_t i = 0; i < L; ++i)
      for (int v = 0; v < kVoices; ++v) {
        const size_t at = size_t((w * L + i) * kVoices + v);
        if (a[at] < kFirstPitch) {  // start, end, rest and hold are not pitches: unchanged
          CHECK(b[at] == a[at]);
          continue;
        }
        if (!shift) shift = b[at] - a[at];
        CHECK(b[at] - a[at] == *shift);
        CHECK(b[at] >= kFirstPitch);
        CHECK(b[at] < kFirstPitch + ranges[size_t(v)].hi - ranges[size_t(v)].lo + 1);
      }
    if (!shift) continue;
    CHECK(std::abs(*shift) <= 3);
    shifts.insert(*shift);
    for (int v = 0; v < kVoices; ++v) {  // the targets are the centre's tokens, moved alike
      const size_t at = size_t(w * kVoices + v);
      CHECK(tb[at] == (ta[at] + kPadTokens >= kFirstPitch ? ta[at] + *shift : ta[at]));
    }
  }
  CHECK(shifts.size() >= 5);  // the shifts vary from window to window
}

TEST_CASE("deepbach loss is the mean cross-entropy per voice-step, logits pad missing classes", "[models][deepbach]") {
  auto model = tiny_deepbach();
  CHECK(step_unit(*model) == "voice-step");
  ChoraleGrid g = excerpt(12);
  std::vector<WindowRef> refs;
  for (int64_t t = 0; t < 12; ++t) refs.push_back({&g, t});
  Batch b = window_batch(refs, 4);
  LossResult r = model->loss(b);
  CHECK(r.steps == 48);
  Tensor logits = model->forward(b);
  const int64_t C = logits.size(2);
  REQUIRE(C == class_count(jsb_voice_ranges()[3]));  // the bass: 31 pitches, rest and hold
  auto z = logits.to_vector<float>();
  auto t = b.targets.to_vector<int64_t>();
  double expected = 0;
  for (int64_t i = 0; i < 12; ++i)
    for (int v = 0; v < 4; ++v) {
      const float* row = &z[size_t((i * 4 + v) * C)];
      double mx = *std::max_element(row, row + C), s = 0;
      for (int64_t c = 0; c < C; ++c) s += std::exp(row[c] - mx);
      expected += mx + std::log(s) - row[t[size_t(i * 4 + v)]];
    }
  CHECK(r.nll_sum == Approx(expected).epsilon(1e-4));
  // The bass has 31 pitches + rest + hold = 33 classes, so nothing is padded there; the
  // soprano's 24 classes leave 9 at -1e9.
  CHECK(z[size_t(0 * C + C - 1)] < -1e8f);
  auto per_voice = model->voice_nll(b);
  CHECK(per_voice.cells[2] == 12);
  CHECK(per_voice.nll_sum[0] + per_voice.nll_sum[1] + per_voice.nll_sum[2] + per_voice.nll_sum[3] ==
        Approx(r.nll_sum).epsilon(1e-4));
  // Skipped cells (-100) do not count.
  std::vector<int64_t> skip = b.targets.to_vector<int64_t>();
  skip[0] = -100;
  b.targets = Tensor::from_vector<int64_t>(skip, b.targets.shape());
  CHECK(model->loss(b).steps == 47);
}

TEST_CASE("deepbach overfits a tiny chorale excerpt", "[models][deepbach]") {
  auto model = tiny_deepbach();
  ChoraleGrid g = excerpt(32);
  std::vector<WindowRef> refs;
  for (int64_t t = 0; t < 32; ++t) refs.push_back({&g, t});
  Batch b = window_batch(refs, 4);
  const double start = model->loss(b).loss.item<double>();
  const double end = testing::overfit(*model, b, 150, 2e-2);
  CHECK(start > 2.5);  // about log(27) nats at initialisation
  CHECK(end < 0.1);
  LossResult r = model->loss(b);
  CHECK(r.correct / r.steps > 0.98);
}

TEST_CASE("deepbach reloaded from its state dict gives the same logits", "[models][deepbach]") {
  auto model = tiny_deepbach();
  ChoraleGrid g = excerpt(10);
  testing::check_reload_same_logits(*model, window_batch({{&g, 0}, {&g, 5}, {&g, 9}}, 4));
}

TEST_CASE("deepbach harmonize keeps the soprano bit-identical and fills the voices' ranges", "[models][deepbach]") {
  auto model = tiny_deepbach();
  const VoiceRanges ranges = jsb_voice_ranges();
  ChoraleGrid melody = excerpt(24);
  GibbsOptions o{.iterations = 30, .cells_per_voice = 4, .seed = 5};
  ChoraleGrid out = harmonize(*model, melody, {1, 2, 3}, o);
  REQUIRE(out.steps == melody.steps);
  for (int64_t t = 0; t < out.steps; ++t) {
    CHECK(out.at(t, 0) == melody.at(t, 0));
    for (int v = 1; v < 4; ++v) {
      CHECK(out.at(t, v) >= kRest);
      CHECK(out.at(t, v) < vocab_size(ranges[size_t(v)]));
    }
  }
  // From a one-track Score: the soprano track comes back unchanged.
  music::Score soprano = grid_to_score(melody, ranges);
  soprano.tracks.resize(1);
  music::Score s = harmonize(*model, soprano, {1, 2, 3}, o);
  REQUIRE(s.tracks.size() == 4);
  CHECK(s.tracks[0].notes == soprano.tracks[0].notes);
  for (int v = 1; v < 4; ++v)
    for (const auto& n : s.tracks[size_t(v)].notes)
      CHECK((n.pitch >= ranges[size_t(v)].lo && n.pitch <= ranges[size_t(v)].hi));
  // Same seed, same chorale; another seed, another one.
  CHECK(harmonize(*model, melody, {1, 2, 3}, o) == out);
  GibbsOptions other = o;
  other.seed = 6;
  CHECK(harmonize(*model, melody, {1, 2, 3}, other) != out);
  CHECK_THROWS_WITH(harmonize(*model, melody, {4}, o), Contains("voice 4"));
}

TEST_CASE("deepbach infill changes nothing outside the passage from_beat .. to_beat", "[models][deepbach]") {
  auto model = tiny_deepbach();
  const VoiceRanges ranges = jsb_voice_ranges();
  ChoraleGrid chorale = excerpt(32);
  GibbsOptions o{.iterations = 20, .cells_per_voice = 8, .seed = 1};
  ChoraleGrid out = infill(*model, chorale, 2, 5, o);
  ChoralePitches before = decode_pitches(chorale, ranges), after = decode_pitches(out, ranges);
  bool changed = false;
  for (int64_t t = 0; t < 32; ++t)
    for (int v = 0; v < 4; ++v) {
      const bool inside = t >= 8 && t < 20;
      if (!inside) {
        CHECK(after[size_t(t)][size_t(v)] == before[size_t(t)][size_t(v)]);
        if (t != 20 || chorale.at(t, v) != kHold) CHECK(out.at(t, v) == chorale.at(t, v));
      }
      changed = changed || out.at(t, v) != chorale.at(t, v);
    }
  CHECK(changed);
  // Only the alto, through the Score API.
  music::Score s = infill(*model, grid_to_score(chorale, ranges), 1, 3, o, {1});
  ChoraleGrid back = score_to_grid(s, ranges, 32);
  for (int64_t t = 0; t < 32; ++t)
    for (int v : {0, 2, 3}) CHECK(back.at(t, v) == chorale.at(t, v));
  CHECK_THROWS_WITH(infill(*model, chorale, 5, 5, o), Contains("infill"));
  CHECK_THROWS_WITH(infill(*model, chorale, 0.1, 2, o), Contains("16th"));
}

TEST_CASE("deepbach sample is deterministic from the seed, keeps the primer, rejects bad options",
          "[models][deepbach]") {
  auto model = tiny_deepbach();
  const VoiceRanges ranges = jsb_voice_ranges();
  SampleOptions o;
  o.length = 16;
  o.controls = {{"iterations", 10}, {"cells_per_voice", 4}};
  Generator g1(3), g2(3);
  music::Score a = model->sample(o, g1), b = model->sample(o, g2);
  CHECK(score_to_grid(a, ranges, 16) == score_to_grid(b, ranges, 16));
  o.primer = grid_to_score(excerpt(8), ranges);
  ChoraleGrid primed = score_to_grid(model->sample(o, g1), ranges, 24);
  for (int64_t t = 0; t < 8; ++t)
    for (int v = 0; v < 4; ++v) CHECK(primed.at(t, v) == excerpt(8).at(t, v));
  SampleOptions bad;
  bad.top_k = 5;
  CHECK_THROWS_WITH(model->sample(bad, g1), Contains("deepbach") && Contains("top-k"));
  GibbsOptions zero{.iterations = 0};
  ChoraleGrid g = excerpt(4);
  CHECK_THROWS_WITH(gibbs_sample(*model, g, std::vector<uint8_t>(16, 0), zero), Contains("iterations"));
  CHECK(gibbs_temperature({.iterations = 5, .start_temperature = 2, .temperature = 0.5}, 0) == Approx(2));
  CHECK(gibbs_temperature({.iterations = 5, .start_temperature = 2, .temperature = 0.5}, 4) == Approx(0.5));
  CHECK(gibbs_temperature({.iterations = 5, .start_temperature = 2, .temperature = 0.5}, 2) == Approx(1));
}

TEST_CASE("deepbach: a window's logits depend on its own window only, in training and in evaluation",
          "[models][deepbach]") {
  auto model = tiny_deepbach();
  std::vector<ChoraleGrid> pieces;
  for (size_t i = 0; i < 3; ++i) pieces.push_back(encode_chorale(corpus().at("train")[i], jsb_voice_ranges()));
  const Batch batch = random_chorale_batch(pieces, 4, 40, 7, 0);
  for (bool training : {true, false}) {
    INFO("training mode " << training);
    model->train(training);
    std::array<Tensor, kVoices> z;
    for (int v = 0; v < kVoices; ++v) z[size_t(v)] = model->voice_logits(v, batch);
    for (int64_t b = 0; b < 40; b += 13) {
      const Batch one{contiguous(narrow(batch.inputs, 0, b, 1)), contiguous(narrow(batch.targets, 0, b, 1)),
                      contiguous(narrow(batch.mask, 0, b, 1)), contiguous(narrow(batch.condition, 0, b, 1))};
      for (int v = 0; v < kVoices; ++v) {
        INFO("window " << b << ", voice " << v);
        const std::vector<float> alone = model->voice_logits(v, one).to_vector<float>();
        const std::vector<float> within = contiguous(narrow(z[size_t(v)], 0, b, 1)).to_vector<float>();
        REQUIRE(alone.size() == within.size());
        for (size_t c = 0; c < alone.size(); ++c) CHECK(alone[c] == Approx(within[c]).margin(1e-5));
      }
    }
  }
}

TEST_CASE("deepbach: every training batch draws fresh windows", "[models][deepbach]") {
  std::vector<ChoraleGrid> pieces;
  for (const auto& c : corpus().at("train")) pieces.push_back(encode_chorale(c, jsb_voice_ranges()));
  // 10 batches of 64 from about 55,000 steps: a few windows may come twice by chance,
  // not whole batches again (a batch that shares its generator's stream with the next
  // one repeats all but one of its windows there).
  std::set<std::vector<int64_t>> windows;
  for (int64_t p = 0; p < 10; ++p) {
    const Batch b = random_chorale_batch(pieces, 16, 64, 0, p);
    const std::vector<int64_t> tokens = b.inputs.to_vector<int64_t>();
    const size_t row = tokens.size() / 64;
    for (size_t i = 0; i < 64; ++i)
      windows.insert(std::vector<int64_t>(tokens.begin() + long(i * row), tokens.begin() + long((i + 1) * row)));
  }
  CHECK(windows.size() > 620);
}
