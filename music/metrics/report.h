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

std::vector<MetricValue> score_metrics(const Score& score);

}  // namespace cadenza::music::metrics
