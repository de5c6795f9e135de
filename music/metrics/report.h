// The metric table of one score, as used by `cadenza eval --metrics`: MusPy-style
// metrics on the notes, and MuseGAN metrics on its 5-track roll (musegan_tracks) at
// 12 steps per quarter, bars from the first time signature.
#pragma once

#include <string>
#include <vector>

#include "music/score/score.h"

namespace cadenza::music::metrics {

struct MetricValue {
  std::string name;
  double value;
  const char* unit;  // "semitones", "bits", "ratio", ...
};

// The MusPy-style metrics of the notes (muspy.h), in table order.
std::vector<MetricValue> muspy_metrics(const Score& score);
// MuseGAN's EB, UPC, QN, DP and TD (musegan.h) on the score's 5-track roll; meaningful for
// multitrack pieces (one track gives TD 0, no drums DP 0).
std::vector<MetricValue> musegan_metrics(const Score& score);
// Both, MusPy's first.
std::vector<MetricValue> score_metrics(const Score& score);

}  // namespace cadenza::music::metrics
