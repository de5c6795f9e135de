#include "music/metrics/report.h"

#include "music/metrics/musegan.h"
#include "music/metrics/muspy.h"
#include "music/repr/piano_roll.h"

namespace cadenza::music::metrics {
namespace {

constexpr int kRollStepsPerQuarter = 12;
constexpr size_t kDrums = 0;  // musegan_tracks order: drums, piano, guitar, bass, strings

bool has_notes(const repr::PianoRoll& roll, size_t track) {
  const size_t cells = static_cast<size_t>(roll.num_steps) * roll.config.num_pitches;
  for (size_t i = track * cells; i < (track + 1) * cells; ++i)
    if (roll.velocity[i]) return true;
  return false;
}

}  // namespace

std::vector<MetricValue> muspy_metrics(const Score& score) {
  return {
      {"pitch_range", static_cast<double>(pitch_range(score)), "semitones"},
      {"n_pitches_used", static_cast<double>(n_pitches_used(score)), "pitches"},
      {"n_pitch_classes_used", static_cast<double>(n_pitch_classes_used(score)), "classes"},
      {"pitch_entropy", pitch_entropy(score), "bits"},
      {"pitch_class_entropy", pitch_class_entropy(score), "bits"},
      {"polyphony", polyphony(score), "pitches"},
      {"polyphony_rate", polyphony_rate(score), "ratio"},
      {"scale_consistency", scale_consistency(score), "ratio"},
      {"empty_beat_rate", empty_beat_rate(score), "ratio"},
      {"groove_consistency", groove_consistency(score), "ratio"},
  };
}

std::vector<MetricValue> musegan_metrics(const Score& score) {
  repr::PianoRollConfig config;
  config.steps_per_quarter = kRollStepsPerQuarter;
  config.lowest_pitch = 24;  // MuseGAN's 84 pitches, C1..B7
  config.num_pitches = 84;
  const repr::PianoRoll roll = repr::encode_piano_roll(repr::musegan_tracks(score), config);
  const TimeSignature ts = score.time_signatures.empty() ? TimeSignature{} : score.time_signatures.front();
  const int steps_per_bar = static_cast<int>(bar_ticks(ts, kRollStepsPerQuarter));
  // EB, UPC and QN are per track in the paper; here averaged over the melodic tracks
  // that play at all, TD over their pairs.
  double eb = 0, upc = 0, qn = 0, td = 0;
  int tracks = 0, pairs = 0;
  for (size_t t = 1; t < roll.tracks.size(); ++t) {
    if (!has_notes(roll, t)) continue;
    eb += empty_bar_rate(roll, t, steps_per_bar);
    upc += used_pitch_classes(roll, t, steps_per_bar);
    qn += qualified_note_rate(roll, t, qualified_min_steps(kRollStepsPerQuarter));
    ++tracks;
    for (size_t u = t + 1; u < roll.tracks.size(); ++u)
      if (has_notes(roll, u)) {
        td += tonal_distance(roll, t, u, kRollStepsPerQuarter);
        ++pairs;
      }
  }
  const double n = tracks ? tracks : 1;
  return {
      {"empty_bar_rate", eb / n, "ratio"},
      {"used_pitch_classes", upc / n, "classes/bar"},
      {"qualified_note_rate", qn / n, "ratio"},
      {"drum_pattern_rate", drum_pattern_rate(roll, kDrums), "ratio"},
      {"tonal_distance", pairs ? td / pairs : 0.0, "unitless"},
  };
}

std::vector<MetricValue> score_metrics(const Score& score) {
  std::vector<MetricValue> out = muspy_metrics(score);
  for (MetricValue& m : musegan_metrics(score)) out.push_back(std::move(m));
  return out;
}

}  // namespace cadenza::music::metrics
