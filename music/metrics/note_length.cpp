#include "music/metrics/note_length.h"

#include <cmath>

namespace cadenza::music::metrics {

const std::array<const char*, kNoteLengthBins>& note_length_bin_names() {
  static const std::array<const char*, kNoteLengthBins> names = {
      "whole",       "half",         "quarter",         "8th",
      "16th",        "dotted half",  "dotted quarter",  "dotted 8th",
      "dotted 16th", "half triplet", "quarter triplet", "8th triplet"};
  return names;
}

const std::array<double, kNoteLengthBins>& note_length_bin_quarters() {
  static const std::array<double, kNoteLengthBins> quarters = {4.0, 2.0,  1.0,   0.5,       0.25,      3.0,
                                                               1.5, 0.75, 0.375, 4.0 / 3.0, 2.0 / 3.0, 1.0 / 3.0};
  return quarters;
}

std::array<double, kNoteLengthBins> note_length_histogram(const Score& score) {
  std::array<double, kNoteLengthBins> hist{};
  const auto& bins = note_length_bin_quarters();
  double notes = 0;
  for (const Track& t : score.tracks) {
    if (t.is_drum) continue;
    for (const Note& n : t.notes) {
      const double length = static_cast<double>(n.end - n.start) / score.ticks_per_quarter;
      int best = 0;
      for (int b = 1; b < kNoteLengthBins; ++b)
        if (std::abs(length - bins[size_t(b)]) < std::abs(length - bins[size_t(best)])) best = b;
      hist[size_t(best)] += 1;
      notes += 1;
    }
  }
  if (notes > 0)
    for (double& h : hist) h /= notes;
  return hist;
}

}  // namespace cadenza::music::metrics
