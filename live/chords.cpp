#include "live/chords.h"

#include <algorithm>

namespace cadenza::live {

std::optional<Chord> choose_chord(const std::array<double, 12>& seconds, int key) {
  double total = 0;
  for (double s : seconds) total += s;
  if (total <= 0) return std::nullopt;
  std::vector<Chord> candidates;
  if (key >= 0) {
    // I, ii, iii, IV, V, vi of the major key.
    static constexpr std::array<std::pair<int, bool>, 6> diatonic{
        {{0, false}, {2, true}, {4, true}, {5, false}, {7, false}, {9, true}}};
    for (auto [offset, minor] : diatonic) candidates.push_back({(key + offset) % 12, minor});
  } else {
    for (int root = 0; root < 12; ++root) candidates.push_back({root, false}), candidates.push_back({root, true});
  }
  std::optional<Chord> best;
  double best_score = 0, best_root = 0;
  for (const Chord& c : candidates) {
    const int third = (c.root + (c.minor ? 3 : 4)) % 12, fifth = (c.root + 7) % 12;
    const double inside = seconds[size_t(c.root)] + seconds[size_t(third)] + seconds[size_t(fifth)];
    const double score = inside - (total - inside);
    const double root = seconds[size_t(c.root)];
    if (!best || score > best_score || (score == best_score && root > best_root)) {
      best = c;
      best_score = score;
      best_root = root;
    }
  }
  return best;
}

std::vector<int> voice_chord(const Chord& chord, int notes) {
  const int root = 48 + chord.root;
  const std::array<int, 4> voicing{root, root + 7, root + 12 + (chord.minor ? 3 : 4), root + 24};
  return {voicing.begin(), voicing.begin() + std::clamp(notes, 1, 4)};
}

}  // namespace cadenza::live
