#include "music/metrics/muspy.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <vector>

#include "music/repr/grid.h"

namespace cadenza::music::metrics {
namespace {

template <class F>
void for_each_pitched_note(const Score& score, F f) {
  for (const Track& t : score.tracks)
    if (!t.is_drum)
      for (const Note& n : t.notes) f(n);
}

template <size_t N>
double entropy_bits(const std::array<double, N>& counts) {
  double total = 0;
  for (double c : counts) total += c;
  double h = 0;
  for (double c : counts)
    if (c > 0) h -= (c / total) * std::log2(c / total);
  return h;
}

// Time (ticks) spent with k distinct sounding pitches, for every k, by a sweep over note
// starts and ends; overlapping notes of one pitch count once.
std::map<int, int64_t> time_at_polyphony(const Score& score) {
  std::vector<std::pair<int64_t, int>> edges;  // (tick, +1 start of pitch p / -1 end), per pitch
  std::array<std::vector<std::pair<int64_t, int>>, 128> per_pitch;
  for_each_pitched_note(score, [&](const Note& n) {
    if (n.end > n.start) {
      per_pitch[n.pitch].push_back({n.start, +1});
      per_pitch[n.pitch].push_back({n.end, -1});
    }
  });
  // Merge each pitch's overlapping notes into sounding intervals, then sweep them all.
  for (auto& pe : per_pitch) {
    std::sort(pe.begin(), pe.end());
    int depth = 0;
    for (auto [tick, d] : pe) {
      if (d > 0 && depth++ == 0) edges.push_back({tick, +1});
      if (d < 0 && --depth == 0) edges.push_back({tick, -1});
    }
  }
  std::sort(edges.begin(), edges.end());
  std::map<int, int64_t> time;
  int level = 0;
  int64_t last = 0;
  for (auto [tick, d] : edges) {
    if (tick > last) time[level] += tick - last;
    last = tick;
    level += d;
  }
  return time;
}

}  // namespace

int pitch_range(const Score& score) {
  int lo = 128, hi = -1;
  for_each_pitched_note(score, [&](const Note& n) {
    lo = std::min<int>(lo, n.pitch);
    hi = std::max<int>(hi, n.pitch);
  });
  return hi < 0 ? 0 : hi - lo;
}

int n_pitches_used(const Score& score) {
  std::array<bool, 128> used{};
  for_each_pitched_note(score, [&](const Note& n) { used[n.pitch] = true; });
  return static_cast<int>(std::count(used.begin(), used.end(), true));
}

int n_pitch_classes_used(const Score& score) {
  std::array<bool, 12> used{};
  for_each_pitched_note(score, [&](const Note& n) { used[n.pitch % 12] = true; });
  return static_cast<int>(std::count(used.begin(), used.end(), true));
}

double pitch_entropy(const Score& score) {
  std::array<double, 128> counts{};
  for_each_pitched_note(score, [&](const Note& n) { counts[n.pitch] += 1; });
  return entropy_bits(counts);
}

double pitch_class_entropy(const Score& score) {
  std::array<double, 12> counts{};
  for_each_pitched_note(score, [&](const Note& n) { counts[n.pitch % 12] += 1; });
  return entropy_bits(counts);
}

double polyphony(const Score& score) {
  double weighted = 0, sounding = 0;
  for (auto [level, ticks] : time_at_polyphony(score))
    if (level > 0) {
      weighted += static_cast<double>(level) * static_cast<double>(ticks);
      sounding += static_cast<double>(ticks);
    }
  return sounding > 0 ? weighted / sounding : 0.0;
}

double polyphony_rate(const Score& score, int threshold) {
  double above = 0, total = 0;
  for (auto [level, ticks] : time_at_polyphony(score)) {
    total += static_cast<double>(ticks);
    if (level > threshold) above += static_cast<double>(ticks);
  }
  return total > 0 ? above / total : 0.0;
}

double scale_consistency(const Score& score) {
  std::array<double, 12> counts{};
  double notes = 0;
  for_each_pitched_note(score, [&](const Note& n) {
    counts[n.pitch % 12] += 1;
    notes += 1;
  });
  if (notes == 0) return 0.0;
  static constexpr int kMajor[7] = {0, 2, 4, 5, 7, 9, 11};
  static constexpr int kMinor[7] = {0, 2, 3, 5, 7, 8, 10};
  double best = 0;
  for (const int* scale : {kMajor, kMinor})
    for (int root = 0; root < 12; ++root) {
      double in = 0;
      for (int i = 0; i < 7; ++i) in += counts[static_cast<size_t>((root + scale[i]) % 12)];
      best = std::max(best, in / notes);
    }
  return best;
}

double empty_beat_rate(const Score& score) {
  const int64_t tpq = std::max(1, score.ticks_per_quarter);
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const Track& t : score.tracks)
    for (const Note& n : t.notes)
      if (n.end > n.start) spans.push_back({n.start, n.end});
  if (spans.empty()) return 0.0;
  std::sort(spans.begin(), spans.end());
  const int64_t end = score.end_tick();
  const int64_t beats = (end + tpq - 1) / tpq;
  int64_t covered = 0;
  int64_t next_uncounted = 0;  // beats before this one are already counted
  for (auto [s, e] : spans) {
    const int64_t first = std::max(s / tpq, next_uncounted);
    const int64_t last = (e + tpq - 1) / tpq;  // exclusive
    if (last > first) {
      covered += last - first;
      next_uncounted = last;
    }
  }
  return static_cast<double>(beats - covered) / static_cast<double>(beats);
}

double groove_consistency(const Score& score, int steps_per_quarter) {
  const TimeSignature ts = score.time_signatures.empty() ? TimeSignature{} : score.time_signatures.front();
  const int64_t bar = std::max<int64_t>(1, ts.numerator * steps_per_quarter * 4 / std::max(1, ts.denominator));
  std::map<int64_t, std::vector<bool>> bars;  // only bars with onsets are stored
  int64_t last_bar = 0;
  for (const Track& t : score.tracks)
    for (const Note& n : t.notes) {
      const int64_t step = repr::tick_to_step(n.start, score.ticks_per_quarter, steps_per_quarter);
      if (step < 0) continue;
      auto& g = bars[step / bar];
      g.resize(static_cast<size_t>(bar));
      g[static_cast<size_t>(step % bar)] = true;
      last_bar = std::max(last_bar, step / bar);
    }
  if (last_bar < 1) return 1.0;
  const std::vector<bool> empty(static_cast<size_t>(bar), false);
  auto grid = [&](int64_t i) -> const std::vector<bool>& {
    auto it = bars.find(i);
    return it == bars.end() ? empty : it->second;
  };
  // Adjacent pairs of empty bars add nothing, so only pairs touching a stored bar count.
  double distance = 0;
  for (const auto& [i, g] : bars)
    for (int64_t j : {i - 1, i + 1}) {
      if (j < 0 || j > last_bar) continue;
      const auto& h = grid(j);
      double d = 0;
      for (int64_t k = 0; k < bar; ++k) d += g[static_cast<size_t>(k)] != h[static_cast<size_t>(k)];
      // A pair of two stored bars is met twice (from each side); count it once.
      distance += bars.count(j) ? d / 2.0 : d;
    }
  return 1.0 - distance / (static_cast<double>(bar) * static_cast<double>(last_bar));
}

}  // namespace cadenza::music::metrics
