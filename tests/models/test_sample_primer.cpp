// Primer continuation for every sequence model: the sample starts with the primer, note
// for note (as the model's representation quantises it), then goes on. Untrained tiny
// models suffice: keeping the primer is the sampler's job, not the weights'.
#include <catch2/catch.hpp>

#include <set>

#include "models/registry.h"
#include "music/repr/json_roll.h"
#include "music/repr/tokenizer.h"
#include "ops/ops.h"

using namespace cadenza;
using namespace cadenza::models;

namespace {

// C4 D4 E4 G4 E4 as quarters at 120 BPM, with a rest before the last note.
music::Score primer_score() {
  music::Score s;
  music::Track t;
  const int pitches[] = {60, 62, 64, 67, 64};
  const int64_t starts[] = {0, 480, 960, 1440, 2400};
  for (int i = 0; i < 5; ++i) t.notes.push_back({starts[i], starts[i] + 480, uint8_t(pitches[i]), 80});
  s.tracks.push_back(t);
  return s;
}

using Onsets = std::set<std::pair<int64_t, int>>;  // (start tick, pitch)

// The notes of `s` that start before `end` (all of them when end < 0).
Onsets onsets(const music::Score& s, int64_t end = -1) {
  Onsets out;
  for (const auto& track : s.tracks)
    for (const auto& n : track.notes)
      if (end < 0 || n.start < end) out.insert({n.start, n.pitch});
  return out;
}

void check_continues_primer(const std::string& model, const nlohmann::json& tiny, const music::Score& expected) {
  INFO(model);
  std::shared_ptr<Model> m = make_model(model, "small", tiny);
  SampleOptions o;
  o.length = 24;
  o.primer = primer_score();
  Generator gen(3);
  const music::Score out = m->sample(o, gen);
  const Onsets want = onsets(expected);
  REQUIRE(want.size() == 5);
  CHECK(out.ticks_per_quarter == expected.ticks_per_quarter);
  CHECK(onsets(out, expected.end_tick()) == want);
}

music::Score token_round_trip(const std::string& tokenizer) {
  const auto tok = music::repr::make_tokenizer(tokenizer);
  return tok->decode(tok->encode(primer_score()));
}

}  // namespace

TEST_CASE("sample --primer: every sequence model's output starts with the primer", "[sample][primer]") {
  check_continues_primer("melody_rnn", {{"hidden", 16}}, token_round_trip("melody"));
  check_continues_primer("performance_rnn", {{"hidden", 16}}, token_round_trip("performance"));
  check_continues_primer("music_transformer", {{"layers", 1}, {"d_model", 16}, {"heads", 2}, {"d_ff", 32}},
                         token_round_trip("performance"));
  const int spq = 4;
  check_continues_primer("poly_rnn", {{"hidden", 16}, {"steps_per_quarter", spq}},
                         music::repr::roll_piece_to_score(music::repr::score_to_roll_piece(primer_score(), spq), spq));
}

TEST_CASE("sample controls a model cannot follow are refused, naming the ones it can", "[sample][controls]") {
  SampleOptions o;
  o.length = 4;
  o.controls = {{"note_density", 4}};
  Generator gen(0);
  CHECK_THROWS_WITH(make_model("melody_rnn", "small", {{"hidden", 8}})->sample(o, gen),
                    Catch::Contains("melody_rnn: this model takes no controls, got 'note_density'"));
  CHECK_THROWS_WITH(make_model("poly_rnn", "small", {{"hidden", 8}})->sample(o, gen),
                    Catch::Contains("poly_rnn: this model takes no controls"));
  CHECK_THROWS_WITH(make_model("deepbach", "small")->sample(o, gen),
                    Catch::Contains("takes no control 'note_density' (it takes: cells_per_voice, iterations"));
  // A performance_rnn trained with only the histogram cannot follow a density.
  auto perf = make_model("performance_rnn", "small", {{"hidden", 8}, {"pitch_histogram", true}});
  CHECK_THROWS_WITH(perf->sample(o, gen),
                    Catch::Contains("takes no control 'note_density' (it takes: pitch_histogram)"));
  o.controls = {{"pitch_histogram", {2, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1}}};
  CHECK_NOTHROW(perf->sample(o, gen));
}
