#include "music/dataset/augment.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace cadenza::music::dataset {
namespace {

// Lowest and highest sounding pitch, or nullopt if nothing sounds.
std::optional<std::pair<int, int>> extent(const Score& score) {
  std::optional<std::pair<int, int>> e;
  for (const Track& t : score.tracks) {
    if (t.is_drum) continue;
    for (const Note& n : t.notes) {
      if (!e) e = std::pair<int, int>{n.pitch, n.pitch};
      e->first = std::min<int>(e->first, n.pitch);
      e->second = std::max<int>(e->second, n.pitch);
    }
  }
  return e;
}

std::optional<std::pair<int, int>> extent(const repr::RollPiece& piece) {
  std::optional<std::pair<int, int>> e;
  for (const auto& step : piece)
    if (!step.empty()) {
      if (!e) e = std::pair<int, int>{step.front(), step.back()};
      e->first = std::min(e->first, step.front());
      e->second = std::max(e->second, step.back());
    }
  return e;
}

bool fits(const std::optional<std::pair<int, int>>& e, int shift, PitchRange r) {
  return !e || (e->first + shift >= r.low && e->second + shift <= r.high);
}

int draw(const std::optional<std::pair<int, int>>& e, int max_shift, Rng& rng, PitchRange r) {
  std::vector<int> ok;
  for (int s = -max_shift; s <= max_shift; ++s)
    if (fits(e, s, r)) ok.push_back(s);
  return ok.empty() ? 0 : ok[rng.below(ok.size())];
}

}  // namespace

bool transpose(Score& score, int semitones, PitchRange range) {
  if (!fits(extent(score), semitones, range)) return false;
  for (Track& t : score.tracks)
    if (!t.is_drum)
      for (Note& n : t.notes) n.pitch = static_cast<uint8_t>(n.pitch + semitones);
  return true;
}

bool transpose(repr::RollPiece& piece, int semitones, PitchRange range) {
  if (!fits(extent(piece), semitones, range)) return false;
  for (auto& step : piece)
    for (int& p : step) p += semitones;
  return true;
}

int random_transposition(const Score& score, int max_shift, Rng& rng, PitchRange range) {
  return draw(extent(score), max_shift, rng, range);
}

int random_transposition(const repr::RollPiece& piece, int max_shift, Rng& rng, PitchRange range) {
  return draw(extent(piece), max_shift, rng, range);
}

void scale_tempo(Score& score, double factor) {
  if (!(factor > 0.0) || !std::isfinite(factor)) throw std::invalid_argument("tempo factor must be positive");
  if (score.tempos.empty() || score.tempos.front().tick > 0) score.tempos.insert(score.tempos.begin(), Tempo{});
  for (Tempo& t : score.tempos)
    t.us_per_quarter = static_cast<uint32_t>(std::clamp(std::lround(t.us_per_quarter / factor), 1L, 0xFFFFFFL));
}

}  // namespace cadenza::music::dataset
