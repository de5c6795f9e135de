#include "music/metrics/attributes.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "music/metrics/muspy.h"

namespace cadenza::music::metrics {

double note_density(const Score& score, double quarters) {
  size_t onsets = 0;
  int64_t end = 0;
  for (const Track& t : score.tracks)
    if (!t.is_drum)
      for (const Note& n : t.notes) ++onsets, end = std::max(end, n.end);
  if (onsets == 0) return 0;
  if (quarters <= 0) quarters = std::max(1.0, std::ceil(double(end) / score.ticks_per_quarter));
  return double(onsets) / quarters;
}

double syncopation(const Score& score) {
  size_t onsets = 0, off_beat = 0;
  for (const Track& t : score.tracks)
    if (!t.is_drum)
      for (const Note& n : t.notes) ++onsets, off_beat += n.start % score.ticks_per_quarter != 0;
  return onsets == 0 ? 0.0 : double(off_beat) / double(onsets);
}

const std::vector<std::string>& attribute_names() {
  static const std::vector<std::string> names = {"note_density", "pitch_range", "syncopation"};
  return names;
}

double attribute(const std::string& name, const Score& score, double quarters) {
  if (name == "note_density") return note_density(score, quarters);
  if (name == "pitch_range") return pitch_range(score);
  if (name == "syncopation") return syncopation(score);
  throw std::invalid_argument(
      fmt::format("unknown attribute '{}' (known: {})", name, fmt::join(attribute_names(), ", ")));
}

}  // namespace cadenza::music::metrics
