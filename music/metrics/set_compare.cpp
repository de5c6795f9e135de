#include "music/metrics/set_compare.h"

#include <cmath>
#include <stdexcept>

#include "music/metrics/note_length.h"
#include "music/metrics/report.h"
#include "music/repr/piano_roll.h"

namespace cadenza::music::metrics {
namespace {

constexpr const char* kDrumPattern = "drum_pattern_rate";
constexpr const char* kPerPairBeat = "per pair-beat";

struct Parts {
  int melodic = 0;  // MuseGAN melodic tracks that play
  bool drums = false;
};

Parts musegan_parts(const Score& score) {
  Parts p;
  for (const Track& t : repr::musegan_tracks(score).tracks) {
    if (t.notes.empty()) continue;
    if (t.is_drum)
      p.drums = true;
    else
      ++p.melodic;
  }
  return p;
}

// The feature list and the piece's values, in one pass so names and values cannot part.
void add_piece(SetFeatures& out, const Score& score, const FeatureOptions& o) {
  std::vector<Feature> features;
  std::vector<std::vector<double>> values;
  auto scalar = [&](std::string name, std::string unit, double v) {
    features.push_back({std::move(name), std::move(unit), {}});
    values.push_back({v});
  };
  for (const MetricValue& m : muspy_metrics(score)) scalar(m.name, m.unit, m.value);
  if (o.musegan)
    for (const MetricValue& m : musegan_metrics(score))
      if (o.drums || m.name != kDrumPattern) scalar(m.name, m.unit, m.value);
  const auto hist = note_length_histogram(score);
  const auto& names = note_length_bin_names();
  features.push_back({"note_length_hist", "share", std::vector<std::string>(names.begin(), names.end())});
  values.push_back(std::vector<double>(hist.begin(), hist.end()));
  if (o.voice_leading) {
    const VoiceLeading v = voice_leading(score);
    const VoicePairCounts t = v.total();
    scalar("parallel_fifths", kPerPairBeat, per_pair_beat(t.parallel_fifths, v.beats, kVoicePairs));
    scalar("parallel_octaves", kPerPairBeat, per_pair_beat(t.parallel_octaves, v.beats, kVoicePairs));
    scalar("voice_crossings", kPerPairBeat, per_pair_beat(t.crossings, v.beats, kVoicePairs));
    out.voice_leading += v;
  }
  if (out.pieces == 0) {
    out.features = std::move(features);
    out.values.resize(out.features.size());
  }
  for (size_t f = 0; f < values.size(); ++f) out.values[f].push_back(std::move(values[f]));
  ++out.pieces;
}

void mean_sd(const std::vector<std::vector<double>>& values, std::vector<double>& mean, std::vector<double>& sd) {
  const size_t width = values.empty() ? 0 : values.front().size();
  mean.assign(width, 0.0);
  sd.assign(width, 0.0);
  for (const auto& v : values)
    for (size_t k = 0; k < width; ++k) mean[k] += v[k];
  for (double& m : mean) m /= static_cast<double>(values.size());
  for (const auto& v : values)
    for (size_t k = 0; k < width; ++k) sd[k] += (v[k] - mean[k]) * (v[k] - mean[k]);
  for (double& s : sd) s = values.size() > 1 ? std::sqrt(s / static_cast<double>(values.size() - 1)) : 0.0;
}

}  // namespace

FeatureOptions common_features(const std::vector<const std::vector<Score>*>& sets) {
  FeatureOptions o{true, true, true};
  for (const auto* set : sets)
    for (const Score& s : *set) {
      const Parts p = musegan_parts(s);
      o.musegan = o.musegan && p.melodic >= 2;
      o.drums = o.drums && p.drums;
      o.voice_leading = o.voice_leading && s.tracks.size() == kChoraleVoices;
    }
  o.drums = o.drums && o.musegan;
  return o;
}

SetFeatures measure_set(const std::vector<Score>& pieces, const FeatureOptions& options) {
  SetFeatures out;
  for (const Score& s : pieces) add_piece(out, s, options);
  return out;
}

std::vector<FeatureComparison> compare_sets(const SetFeatures& reference, const SetFeatures& set) {
  if (reference.pieces < 2 || set.pieces < 1)
    throw std::invalid_argument("set comparison: needs >= 2 reference pieces and >= 1 piece to compare, got " +
                                std::to_string(reference.pieces) + " and " + std::to_string(set.pieces));
  if (reference.features.size() != set.features.size())
    throw std::invalid_argument("set comparison: the sets were measured with different features");
  std::vector<FeatureComparison> rows;
  for (size_t f = 0; f < reference.features.size(); ++f) {
    FeatureComparison row;
    row.feature = reference.features[f];
    mean_sd(reference.values[f], row.reference_mean, row.reference_sd);
    mean_sd(set.values[f], row.set_mean, row.set_sd);
    if (row.feature.bins.empty()) {
      std::vector<double> ref, gen;
      for (const auto& v : reference.values[f]) ref.push_back(v[0]);
      for (const auto& v : set.values[f]) gen.push_back(v[0]);
      row.distance = compare_feature(ref, gen);
    } else {
      row.distance = compare_vectors(reference.values[f], set.values[f]);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

SetComparison mean_distance(const std::vector<FeatureComparison>& rows) {
  SetComparison m;
  for (const FeatureComparison& r : rows) {
    m.overlap += r.distance.overlap;
    m.kld += r.distance.kld;
  }
  if (!rows.empty()) {
    m.overlap /= static_cast<double>(rows.size());
    m.kld /= static_cast<double>(rows.size());
  }
  return m;
}

}  // namespace cadenza::music::metrics
