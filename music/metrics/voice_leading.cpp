#include "music/metrics/voice_leading.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace cadenza::music::metrics {
namespace {

constexpr std::array<std::array<int, 2>, kVoicePairs> kPairs = {{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}};
constexpr int kSilent = -1;

// The pitch voice `t` sounds at `tick`: its latest onset still sounding (then the highest).
int sounding(const std::vector<Note>& notes, int64_t tick) {
  int pitch = kSilent;
  int64_t onset = -1;
  for (const Note& n : notes) {
    if (n.start > tick) break;  // sorted by start
    if (n.end > tick && (n.start > onset || (n.start == onset && n.pitch > pitch))) {
      onset = n.start;
      pitch = n.pitch;
    }
  }
  return pitch;
}

VoicePairCounts count_pair(const std::vector<Note>& upper, const std::vector<Note>& lower) {
  std::vector<int64_t> ticks;
  for (const auto* notes : {&upper, &lower})
    for (const Note& n : *notes) {
      ticks.push_back(n.start);
      ticks.push_back(n.end);
    }
  std::sort(ticks.begin(), ticks.end());
  ticks.erase(std::unique(ticks.begin(), ticks.end()), ticks.end());
  VoicePairCounts c;
  int prev_u = kSilent, prev_l = kSilent;
  for (int64_t tick : ticks) {
    const int u = sounding(upper, tick), l = sounding(lower, tick);
    if (u == kSilent || l == kSilent) {
      prev_u = prev_l = kSilent;
      continue;
    }
    if (u == prev_u && l == prev_l) continue;
    const bool had = prev_u != kSilent;
    if (l > u && !(had && prev_l > prev_u)) ++c.crossings;
    if (had) {
      const int du = u - prev_u, dl = l - prev_l;
      const int before = std::abs(prev_u - prev_l) % 12, now = std::abs(u - l) % 12;
      if (du * dl > 0 && before == now) {
        if (now == 7) ++c.parallel_fifths;
        if (now == 0) ++c.parallel_octaves;
      }
    }
    prev_u = u;
    prev_l = l;
  }
  return c;
}

}  // namespace

VoicePairCounts& VoicePairCounts::operator+=(const VoicePairCounts& o) {
  parallel_fifths += o.parallel_fifths;
  parallel_octaves += o.parallel_octaves;
  crossings += o.crossings;
  return *this;
}

VoicePairCounts VoiceLeading::total() const {
  VoicePairCounts t;
  for (const VoicePairCounts& p : pairs) t += p;
  return t;
}

VoiceLeading& VoiceLeading::operator+=(const VoiceLeading& o) {
  for (size_t p = 0; p < pairs.size(); ++p) pairs[p] += o.pairs[p];
  beats += o.beats;
  return *this;
}

int upper_voice(int pair) { return kPairs.at(size_t(pair))[0]; }
int lower_voice(int pair) { return kPairs.at(size_t(pair))[1]; }

const char* voice_pair_name(int pair) {
  static constexpr std::array<const char*, kVoicePairs> names = {"S-A", "S-T", "S-B", "A-T", "A-B", "T-B"};
  return names.at(size_t(pair));
}

VoiceLeading voice_leading(const Score& score) {
  if (score.tracks.size() != kChoraleVoices)
    throw std::invalid_argument("voice leading: needs 4 tracks (S, A, T, B), the score has " +
                                std::to_string(score.tracks.size()));
  std::array<std::vector<Note>, kChoraleVoices> voices;
  for (size_t k = 0; k < voices.size(); ++k) {
    voices[k] = score.tracks[k].notes;
    std::stable_sort(voices[k].begin(), voices[k].end(),
                     [](const Note& a, const Note& b) { return a.start < b.start; });
  }
  VoiceLeading v;
  for (int p = 0; p < kVoicePairs; ++p)
    v.pairs[size_t(p)] = count_pair(voices[size_t(upper_voice(p))], voices[size_t(lower_voice(p))]);
  v.beats = static_cast<double>(score.end_tick()) / score.ticks_per_quarter;
  return v;
}

double per_pair_beat(int64_t count, double beats, int pairs) {
  return beats > 0 ? static_cast<double>(count) / (beats * pairs) : 0.0;
}

}  // namespace cadenza::music::metrics
