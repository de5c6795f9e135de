// Metrics on hand-made examples whose values are worked out by hand in the comments.
#include <catch2/catch.hpp>

#include <cmath>

#include "music/metrics/frame.h"
#include "music/metrics/mgeval.h"
#include "music/metrics/musegan.h"
#include "music/metrics/muspy.h"
#include "music/metrics/report.h"
#include "music/repr/piano_roll.h"
#include "score_builders.h"

using namespace cadenza::music;
using namespace cadenza::music::metrics;
using test::one_track;

namespace {

// A one-track roll at `spq` steps per quarter, tpq = spq (1 tick = 1 step).
repr::PianoRoll roll_of(std::initializer_list<Note> notes, int spq, bool drum = false) {
  repr::PianoRollConfig c;
  c.steps_per_quarter = spq;
  return repr::encode_piano_roll(one_track(notes, spq, drum), c);
}

}  // namespace

TEST_CASE("MuseGAN EB and UPC count bars", "[metrics][musegan]") {
  // 4/4 at 4 steps per quarter: 16 steps a bar. Bar 0: C4, E4, C5 (classes C, E);
  // bar 1 empty; bar 2: G4. EB = 1/3; UPC = (2 + 1) / 2 non-empty bars = 1.5.
  const auto r = roll_of({{0, 4, 60, 90}, {4, 8, 64, 90}, {8, 12, 72, 90}, {32, 36, 67, 90}}, 4);
  CHECK(r.num_steps == 36);
  CHECK(empty_bar_rate(r, 0, 16) == Approx(1.0 / 3.0));
  CHECK(used_pitch_classes(r, 0, 16) == Approx(1.5));
}

TEST_CASE("MuseGAN QN: notes of at least a 32nd", "[metrics][musegan]") {
  // Lengths 1, 2, 3, 4 steps; threshold 3 steps (a 32nd at 24 steps per quarter): 2 / 4.
  const auto r = roll_of({{0, 1, 60, 90}, {0, 2, 62, 90}, {0, 3, 64, 90}, {0, 4, 65, 90}}, 24);
  CHECK(qualified_min_steps(24) == 3);
  CHECK(qualified_min_steps(4) == 1);
  CHECK(qualified_min_steps(12) == 2);  // MuseGAN's 48 steps per bar: 1.5 steps rounds up
  CHECK(qualified_note_rate(r, 0, 3) == Approx(0.5));
  // Two adjacent notes of one key are two notes thanks to the onset roll: 2 steps each.
  const auto repeated = roll_of({{0, 2, 60, 90}, {2, 4, 60, 90}}, 24);
  CHECK(qualified_note_rate(repeated, 0, 3) == Approx(0.0));
}

TEST_CASE("MuseGAN DP weights onsets by distance to the 16th grid", "[metrics][musegan]") {
  // 24 steps per quarter: the 16th grid is every 6 steps. Onsets at 0 (1), 1 (0.1),
  // 3 (0), 5 (0.1), 6 (1): DP = 2.2 / 5.
  const auto r = roll_of({{0, 1, 36, 90}, {1, 2, 38, 90}, {3, 4, 42, 90}, {5, 6, 46, 90}, {6, 7, 36, 90}}, 24, true);
  CHECK(drum_pattern_rate(r, 0) == Approx(0.44));
}

TEST_CASE("MuseGAN TD: tonal centroids of Harte et al.", "[metrics][musegan]") {
  Score s = one_track({{0, 4, 60, 90}}, 4);
  Track other = s.tracks[0];
  other.notes = {{0, 4, 72, 90}};  // same pitch class: distance 0
  s.tracks.push_back(other);
  other.notes = {{0, 4, 66, 90}};  // F#: opposite on the fifths and minor-thirds circles
  s.tracks.push_back(other);
  repr::PianoRollConfig c;
  c.steps_per_quarter = 4;
  const auto r = repr::encode_piano_roll(s, c);
  CHECK(tonal_distance(r, 0, 1, 4) == Approx(0.0).margin(1e-12));
  // C -> (0, 1, 0, 1, 0, .5), F# -> (0, -1, 0, -1, 0, .5): distance sqrt(8).
  CHECK(tonal_distance(r, 0, 2, 4) == Approx(std::sqrt(8.0)));
}

TEST_CASE("pitch metrics ignore drums", "[metrics][muspy]") {
  Score s = one_track({{0, 4, 60, 90}, {4, 8, 72, 90}, {8, 12, 60, 90}});
  Track& d = s.tracks.emplace_back();
  d.is_drum = true;
  d.notes = {{0, 1, 30, 90}};
  CHECK(pitch_range(s) == 12);
  CHECK(n_pitches_used(s) == 2);
  CHECK(n_pitch_classes_used(s) == 1);
  CHECK(pitch_class_entropy(s) == Approx(0.0));
  // Pitch histogram {60: 2, 72: 1}: H = -(2/3 log2 2/3 + 1/3 log2 1/3) = 0.918296 bits.
  CHECK(pitch_entropy(s) == Approx(0.9182958340544896));
  CHECK(pitch_range(Score{}) == 0);
}

TEST_CASE("polyphony is time-weighted, one key sounding twice counts once", "[metrics][muspy]") {
  // C4 over [0, 4), E4 over [2, 6), another C4 over [1, 3): one pitch for 4 ticks, two
  // for 2 ticks: polyphony = (4 + 4) / 6; more than one pitch 2 of 6 ticks.
  const Score s = one_track({{0, 4, 60, 90}, {2, 6, 64, 90}, {1, 3, 60, 90}}, 4);
  CHECK(polyphony(s) == Approx(8.0 / 6.0));
  CHECK(polyphony_rate(s, 1) == Approx(2.0 / 6.0));
  CHECK(polyphony_rate(s, 2) == Approx(0.0));
}

TEST_CASE("scale consistency, empty beats and groove", "[metrics][muspy]") {
  // C major scale plus F#: 7 of 8 notes in C major.
  const Score scale = one_track({{0, 1, 60, 90},
                                 {1, 2, 62, 90},
                                 {2, 3, 64, 90},
                                 {3, 4, 65, 90},
                                 {4, 5, 67, 90},
                                 {5, 6, 69, 90},
                                 {6, 7, 71, 90},
                                 {7, 8, 66, 90}});
  CHECK(scale_consistency(scale) == Approx(7.0 / 8.0));
  // tpq 4: notes over beats 0 and 3 of 4; a note ending on a beat boundary does not
  // touch the next beat. Empty-beat rate = 2 / 4 (MusPy's code would give 3 / 4 "empty").
  const Score beats = one_track({{0, 4, 60, 90}, {12, 16, 60, 90}}, 4);
  CHECK(empty_beat_rate(beats) == Approx(0.5));
  // 1 tick = 1 16th; bars of 16. Bars 0 and 1: onsets at 0, 4, 8, 12; bar 2: only 0.
  // Hamming distances 0 and 3: 1 - 3 / (16 * 2).
  const Score groove = one_track({{0, 1, 60, 90},
                                  {4, 5, 60, 90},
                                  {8, 9, 60, 90},
                                  {12, 13, 60, 90},
                                  {16, 17, 60, 90},
                                  {20, 21, 60, 90},
                                  {24, 25, 60, 90},
                                  {28, 29, 60, 90},
                                  {32, 33, 60, 90}},
                                 4);
  CHECK(groove_consistency(groove) == Approx(1.0 - 3.0 / 32.0));
  // Bar 3 silent, bar 4 = bar 0: distances 0, 3, 1, 4 over 4 pairs.
  Score gap = groove;
  gap.tracks[0].notes.push_back({64, 65, 60, 90});
  gap.tracks[0].notes.push_back({68, 69, 60, 90});
  gap.tracks[0].notes.push_back({72, 73, 60, 90});
  gap.tracks[0].notes.push_back({76, 77, 60, 90});
  CHECK(groove_consistency(gap) == Approx(1.0 - 8.0 / 64.0));
}

TEST_CASE("MGEval overlap: the same distribution overlaps, distant ones do not", "[metrics][mgeval]") {
  const std::vector<double> a{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  CHECK(overlap_area(a, a) == Approx(1.0).margin(1e-3));
  CHECK(kl_divergence(a, a) == Approx(0.0).margin(1e-6));
  const std::vector<double> far{100, 101, 102};
  CHECK(overlap_area(a, far) < 1e-6);
  CHECK(kl_divergence(a, far) > 10.0);
  // A KDE is a density: it integrates to 1 (trapezoid over +-10 bandwidths).
  const double h = silverman_bandwidth(a);
  double integral = 0;
  for (double x = -10 * h; x <= 9 + 10 * h; x += h / 50) integral += kde(a, x) * h / 50;
  CHECK(integral == Approx(1.0).epsilon(1e-3));
  CHECK(compare_feature(a, a).overlap > 0.8);
  CHECK(compare_feature(a, far).overlap < 1e-6);
}

TEST_CASE("frame NLL in nats per step and frame accuracy", "[metrics][frame]") {
  // p = 0.5 on 88 keys: 88 ln 2 nats per step whatever the target.
  const std::vector<float> half(2 * 88, 0.5f);
  std::vector<uint8_t> y(2 * 88, 0);
  y[3] = 1;
  CHECK(frame_nll(half, y, 88) == Approx(88 * std::log(2.0)));
  const std::vector<float> zero_logits(2 * 88, 0.0f);
  CHECK(frame_nll_from_logits(zero_logits, y, 88) == Approx(88 * std::log(2.0)));
  // One key, two steps: p = (0.9, 0.2), y = (1, 0): (-ln .9 - ln .8) / 2.
  const std::vector<float> p{0.9f, 0.2f};
  const std::vector<uint8_t> t{1, 0};
  CHECK(frame_nll(p, t, 1) == Approx((-std::log(0.9) - std::log(0.8)) / 2).epsilon(1e-6));
  const std::vector<uint8_t> first_only{1, 0};
  CHECK(frame_nll(p, t, 1, first_only) == Approx(-std::log(0.9)).epsilon(1e-6));
  // Logits agree with probabilities.
  const std::vector<float> z{std::log(0.9f / 0.1f), std::log(0.2f / 0.8f)};
  CHECK(frame_nll_from_logits(z, t, 1) == Approx(frame_nll(p, t, 1)).epsilon(1e-5));
  // TP 1 (0.9), FP 1 (0.6), FN 1 (0.2), TN 1: ACC = 1 / 3.
  const std::vector<float> q{0.9f, 0.6f, 0.2f, 0.1f};
  const std::vector<uint8_t> u{1, 0, 1, 0};
  CHECK(frame_accuracy(q, u, 4) == Approx(1.0 / 3.0));
  CHECK_THROWS(frame_nll(q, t, 4));
}

TEST_CASE("the metric table of a score has every metric once", "[metrics]") {
  const Score s = one_track({{0, 480, 60, 90}, {480, 960, 64, 90}});
  const auto table = score_metrics(s);
  CHECK(table.size() == 15);
  for (const auto& m : table) CHECK(std::isfinite(m.value));
}
