#include "music/repr/remi.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "music/repr/grid.h"

namespace cadenza::music::repr {
namespace {

constexpr int kStepsPerQuarter = 4;

}  // namespace

int RemiTokenizer::tempo_to_bin(double bpm) {
  return std::clamp(static_cast<int>(std::lround((bpm - 30.0) / 6.0)), 0, kTempoBins - 1);
}

std::vector<int32_t> RemiTokenizer::encode(const Score& score) const {
  const int tpq = score.ticks_per_quarter;
  std::vector<GridNote> notes;
  for (const Track& t : score.tracks)
    if (!t.is_drum)
      for (const Note& n : t.notes) notes.push_back(to_grid(n, tpq, kStepsPerQuarter));
  // A total order, so that equal scores give equal tokens whatever their note order.
  std::sort(notes.begin(), notes.end(), [](const GridNote& a, const GridNote& b) {
    return std::tie(a.start, a.pitch, a.end, a.velocity) < std::tie(b.start, b.pitch, b.end, b.velocity);
  });
  // Tempo bin in force at each step that changes it.
  std::vector<std::pair<int64_t, int>> tempo_steps;
  for (const Tempo& t : score.tempos)
    tempo_steps.push_back({tick_to_step(t.tick, tpq, kStepsPerQuarter), tempo_to_bin(t.bpm())});
  if (tempo_steps.empty() || tempo_steps.front().first > 0)
    tempo_steps.insert(tempo_steps.begin(), {0, tempo_to_bin(120.0)});

  std::vector<int32_t> tokens;
  int64_t bar = -1;
  int64_t position = -1;
  int current_tempo = -1;
  size_t next_tempo = 0;
  int tempo_bin = tempo_steps.front().second;
  for (const GridNote& n : notes) {
    if (n.start < 0) continue;
    const int64_t note_bar = n.start / kPositions;
    check_length(static_cast<size_t>(note_bar) + tokens.size(), "remi");
    for (; bar < note_bar; ++bar) tokens.push_back(kBar);
    const int64_t pos = n.start;
    while (next_tempo < tempo_steps.size() && tempo_steps[next_tempo].first <= pos)
      tempo_bin = tempo_steps[next_tempo++].second;
    if (pos != position || tempo_bin != current_tempo) {
      tokens.push_back(kPosition + static_cast<int32_t>(pos % kPositions));
      position = pos;
      if (tempo_bin != current_tempo) tokens.push_back(kTempo + tempo_bin);
      current_tempo = tempo_bin;
    }
    tokens.push_back(kVelocity + velocity_to_bin(n.velocity, kVelocityBins));
    tokens.push_back(kPitch + n.pitch);
    tokens.push_back(kDuration + static_cast<int32_t>(std::clamp<int64_t>(n.end - n.start, 1, kMaxDuration)) - 1);
  }
  return tokens;
}

Score RemiTokenizer::decode(std::span<const int32_t> tokens) const {
  Score score = start_decoding(tokens, *this, kDecodeTicksPerQuarter);
  Track& track = score.tracks.front();
  auto tick = [](int64_t step) { return step_to_tick(step, kDecodeTicksPerQuarter, kStepsPerQuarter); };
  int64_t bar = -1;
  int64_t step = 0;
  int velocity = 64;
  int pitch = -1;  // set by PITCH, consumed by DURATION
  for (int32_t token : tokens) {
    if (token == kBar) {
      ++bar;
      step = bar * kPositions;
    } else if (token < kTempo) {
      step = std::max<int64_t>(bar, 0) * kPositions + (token - kPosition);
    } else if (token < kPitch) {
      const uint32_t us = static_cast<uint32_t>(std::lround(60e6 / bin_to_tempo(token - kTempo)));
      if (score.tempos.empty() || score.tempos.back().us_per_quarter != us) score.tempos.push_back({tick(step), us});
    } else if (token < kVelocity) {
      pitch = token - kPitch;
    } else if (token < kDuration) {
      velocity = bin_to_velocity(token - kVelocity, kVelocityBins);
    } else if (pitch >= 0) {
      const int64_t length = token - kDuration + 1;
      track.notes.push_back(
          {tick(step), tick(step + length), static_cast<uint8_t>(pitch), static_cast<uint8_t>(velocity)});
      pitch = -1;
    }
  }
  return score;
}

std::string RemiTokenizer::token_name(int32_t token) const {
  if (token == kBar) return "BAR";
  if (token < kTempo) return fmt::format("POSITION_{}/16", token - kPosition + 1);
  if (token < kPitch) return fmt::format("TEMPO_{}", bin_to_tempo(token - kTempo));
  if (token < kVelocity) return fmt::format("PITCH_{}", token - kPitch);
  if (token < kDuration) return fmt::format("VELOCITY_{}", token - kVelocity + 1);
  return fmt::format("DURATION_{}", token - kDuration + 1);
}

}  // namespace cadenza::music::repr
