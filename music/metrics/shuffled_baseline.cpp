#include "music/metrics/shuffled_baseline.h"

#include <algorithm>

#include "music/dataset/rng.h"

namespace cadenza::music::metrics {

Score shuffle_structure(const Score& piece, uint64_t seed) {
  dataset::Rng rng(seed);
  Score out = piece;
  for (Track& t : out.tracks) {
    std::vector<uint8_t> pitches;
    std::vector<int64_t> onsets;
    for (const Note& n : t.notes) {
      pitches.push_back(n.pitch);
      onsets.push_back(n.start);
    }
    rng.shuffle(pitches);
    rng.shuffle(onsets);
    for (size_t i = 0; i < t.notes.size(); ++i) {
      Note& n = t.notes[i];
      const int64_t length = n.end - n.start;
      n.pitch = pitches[i];
      n.start = onsets[i];
      n.end = onsets[i] + length;
    }
    std::stable_sort(t.notes.begin(), t.notes.end(), [](const Note& a, const Note& b) { return a.start < b.start; });
  }
  return out;
}

std::vector<Score> shuffled_baseline(const std::vector<Score>& pieces, uint64_t seed) {
  std::vector<Score> out;
  out.reserve(pieces.size());
  dataset::Rng seeds(seed);
  for (const Score& p : pieces) out.push_back(shuffle_structure(p, seeds.next()));
  return out;
}

}  // namespace cadenza::music::metrics
