// Set comparison (MGEval's OA and KLD per feature), the shuffled-corpus baseline and the
// note-length histogram, on hand-made sets whose answers are known.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "music/dataset/rng.h"
#include "music/metrics/note_length.h"
#include "music/metrics/set_compare.h"
#include "music/metrics/shuffled_baseline.h"
#include "score_builders.h"

using namespace cadenza::music;
using namespace cadenza::music::metrics;
using test::one_track;

namespace {

constexpr int kTpq = 480;

// `n` one-track melodies of 32 notes: pitches around C4 within +-`spread`, lengths of a
// quarter or an 8th, from a seeded generator.
std::vector<Score> melodies(int n, int spread, uint64_t seed) {
  dataset::Rng rng(seed);
  std::vector<Score> out;
  for (int i = 0; i < n; ++i) {
    Score s = one_track({}, kTpq);
    int64_t t = 0;
    for (int k = 0; k < 32; ++k) {
      const int64_t length = rng.below(2) ? kTpq : kTpq / 2;
      s.tracks[0].notes.push_back({t, t + length, uint8_t(60 + rng.between(-spread, spread)), 80});
      t += length;
    }
    out.push_back(std::move(s));
  }
  return out;
}

const FeatureComparison& row(const std::vector<FeatureComparison>& rows, const std::string& name) {
  const auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.feature.name == name; });
  REQUIRE(it != rows.end());
  return *it;
}

std::vector<FeatureComparison> compare(const std::vector<Score>& ref, const std::vector<Score>& set) {
  const FeatureOptions o = common_features({&ref, &set});
  return compare_sets(measure_set(ref, o), measure_set(set, o));
}

// Per track: the sorted pitches, onsets and durations.
struct Material {
  std::vector<int> pitches;
  std::vector<int64_t> onsets, lengths;
  bool operator==(const Material&) const = default;
};
Material material(const Track& t) {
  Material m;
  for (const Note& n : t.notes) {
    m.pitches.push_back(n.pitch);
    m.onsets.push_back(n.start);
    m.lengths.push_back(n.end - n.start);
  }
  std::sort(m.pitches.begin(), m.pitches.end());
  std::sort(m.onsets.begin(), m.onsets.end());
  std::sort(m.lengths.begin(), m.lengths.end());
  return m;
}

}  // namespace

TEST_CASE("set comparison: a set against itself overlaps, a shifted one less", "[metrics][set_compare]") {
  const std::vector<Score> ref = melodies(12, 7, 1);
  const auto same = compare(ref, ref);
  for (const FeatureComparison& r : same) {
    INFO(r.feature.name);
    CHECK(r.distance.overlap > 0.75);
    CHECK(r.set_mean == r.reference_mean);
  }
  CHECK(mean_distance(same).overlap > 0.9);
  // Twice the pitch spread and every note twice as long: the range and the note lengths
  // move away, so their overlap drops and their divergence grows.
  std::vector<Score> shifted = melodies(12, 14, 2);
  for (Score& s : shifted)
    for (Note& n : s.tracks[0].notes) n.start *= 2, n.end *= 2;
  const auto apart = compare(ref, shifted);
  for (const char* name : {"pitch_range", "note_length_hist"}) {
    INFO(name);
    CHECK(row(apart, name).distance.overlap < row(same, name).distance.overlap - 0.5);
    CHECK(row(apart, name).distance.kld > row(same, name).distance.kld + 1.0);
  }
  CHECK(mean_distance(apart).overlap < mean_distance(same).overlap - 0.2);
}

TEST_CASE("set comparison: the means and deviations are the pieces'", "[metrics][set_compare]") {
  // Ranges 2, 4 and 9 semitones: mean 5, sample sd sqrt(13).
  std::vector<Score> ref;
  for (int top : {62, 64, 69}) ref.push_back(one_track({{0, 480, 60, 80}, {480, 960, uint8_t(top), 80}}));
  const std::vector<Score> one = {one_track({{0, 480, 60, 80}, {480, 960, 72, 80}})};
  const auto rows = compare(ref, one);
  const auto& r = row(rows, "pitch_range");
  CHECK(r.reference_mean[0] == Approx(5.0));
  CHECK(r.reference_sd[0] == Approx(std::sqrt(13.0)));
  CHECK(r.set_mean[0] == Approx(12.0));
  CHECK(r.set_sd[0] == 0.0);
  CHECK_THROWS_AS(compare_sets(measure_set(one, {}), measure_set(ref, {})), std::invalid_argument);
}

TEST_CASE("set comparison: MuseGAN's metrics for multitrack sets, voice leading for four tracks",
          "[metrics][set_compare]") {
  const std::vector<Score> single = melodies(2, 5, 3);
  std::vector<Score> band = single;
  for (Score& s : band) {
    Track bass = s.tracks[0];
    bass.program = 33;  // a bass: a second MuseGAN track
    for (Note& n : bass.notes) n.pitch = uint8_t(n.pitch - 24);
    s.tracks.push_back(bass);
  }
  const FeatureOptions solo = common_features({&single, &single});
  CHECK_FALSE(solo.musegan);
  CHECK_FALSE(solo.voice_leading);
  const FeatureOptions multi = common_features({&band, &band});
  CHECK(multi.musegan);
  CHECK_FALSE(multi.drums);
  CHECK_FALSE(common_features({&band, &single}).musegan);  // both sets must be multitrack
  std::vector<Score> four = band;
  for (Score& s : four) s.tracks.push_back(s.tracks[0]), s.tracks.push_back(s.tracks[1]);
  CHECK(common_features({&four}).voice_leading);
  const SetFeatures measured = measure_set(band, multi);
  const auto has = [&](const std::string& name) {
    return std::any_of(measured.features.begin(), measured.features.end(), [&](auto& f) { return f.name == name; });
  };
  CHECK(has("tonal_distance"));
  CHECK_FALSE(has("drum_pattern_rate"));
  CHECK_FALSE(has("parallel_fifths"));
  CHECK(measure_set(single, solo).features.size() == measured.features.size() - 4);
}

TEST_CASE("shuffled baseline keeps each track's material and loses its order", "[metrics][shuffle]") {
  std::vector<Score> pieces = melodies(3, 7, 4);
  Track second = pieces[0].tracks[0];
  for (Note& n : second.notes) n.pitch = uint8_t(n.pitch - 12);
  pieces[0].tracks.push_back(second);
  const std::vector<Score> shuffled = shuffled_baseline(pieces, 7);
  REQUIRE(shuffled.size() == pieces.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    REQUIRE(shuffled[i].tracks.size() == pieces[i].tracks.size());
    for (size_t t = 0; t < pieces[i].tracks.size(); ++t) {
      const Track& a = pieces[i].tracks[t];
      const Track& b = shuffled[i].tracks[t];
      CHECK(b.notes.size() == a.notes.size());
      CHECK(material(b) == material(a));
      CHECK(b.notes != a.notes);
      CHECK(std::is_sorted(b.notes.begin(), b.notes.end(), [](auto& x, auto& y) { return x.start < y.start; }));
    }
  }
  // Deterministic from the seed, and a piece's control does not depend on its neighbours.
  CHECK(shuffled_baseline(pieces, 7)[1].tracks == shuffled[1].tracks);
  CHECK(shuffled_baseline(pieces, 8)[1].tracks != shuffled[1].tracks);
  CHECK(shuffled_baseline({pieces[2], pieces[1]}, 7)[1].tracks == shuffled[1].tracks);
}

TEST_CASE("note-length histogram: the nearest of MGEval's 12 lengths", "[metrics][note_length]") {
  // A quarter, two 8ths, a dotted quarter, an 8th triplet (160 ticks), and 210 ticks
  // (7/16 of a quarter), exactly as near the 8th (240) as the dotted 16th (180): the tie
  // goes to the 8th, listed first. A drum note is not counted.
  Score s = one_track({{0, 480, 60, 80},
                       {480, 720, 62, 80},
                       {720, 960, 64, 80},
                       {960, 1680, 65, 80},
                       {1680, 1840, 67, 80},
                       {1840, 2050, 69, 80}});
  Track& d = s.tracks.emplace_back();
  d.is_drum = true;
  d.notes = {{0, 60, 36, 80}};
  const auto h = note_length_histogram(s);
  const auto& names = note_length_bin_names();
  std::map<std::string, double> by_name;
  for (size_t b = 0; b < h.size(); ++b) by_name[names[b]] = h[b];
  CHECK(by_name["quarter"] == Approx(1.0 / 6.0));
  CHECK(by_name["8th"] == Approx(3.0 / 6.0));
  CHECK(by_name["dotted quarter"] == Approx(1.0 / 6.0));
  CHECK(by_name["8th triplet"] == Approx(1.0 / 6.0));
  CHECK(by_name["dotted 16th"] == 0.0);
  CHECK(by_name["16th"] == 0.0);
  const auto whole = note_length_histogram(one_track({{0, 1920, 60, 80}, {1920, 9600, 62, 80}}));
  CHECK(whole[0] == Approx(1.0));
  const auto none = note_length_histogram(one_track({}));
  CHECK(std::all_of(none.begin(), none.end(), [](double x) { return x == 0.0; }));
}

TEST_CASE("MGEval on vectors: Euclidean distances between histograms", "[metrics][mgeval]") {
  const std::vector<std::vector<double>> a = {{1, 0}, {0.9, 0.1}, {0.8, 0.2}, {0.95, 0.05}, {0.85, 0.15}};
  const std::vector<std::vector<double>> far = {{0, 1}, {0.1, 0.9}, {0.05, 0.95}};
  CHECK(compare_vectors(a, a).overlap > 0.8);
  CHECK(compare_vectors(a, far).overlap < 1e-3);
  CHECK(compare_vectors(a, far).kld > 5.0);
  CHECK_THROWS_AS(compare_vectors(a, {{1, 0, 0}}), std::invalid_argument);
}
