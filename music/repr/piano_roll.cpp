#include "music/repr/piano_roll.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "music/repr/grid.h"

namespace cadenza::music::repr {

PianoRoll encode_piano_roll(const Score& score, const PianoRollConfig& config) {
  if (config.steps_per_quarter < 1 || config.num_pitches < 1 || config.lowest_pitch < 0 ||
      config.lowest_pitch + config.num_pitches > 128)
    throw std::invalid_argument("piano roll: bad steps_per_quarter or pitch range");
  PianoRoll roll;
  roll.config = config;
  for (const Track& t : score.tracks) {
    roll.tracks.push_back({t.name, t.program, t.is_drum});
    for (const Note& n : t.notes)
      roll.num_steps = std::max(roll.num_steps, to_grid(n, score.ticks_per_quarter, config.steps_per_quarter).end);
  }
  const double cells = static_cast<double>(roll.tracks.size()) * roll.num_steps * config.num_pitches;
  if (cells > static_cast<double>(config.max_cells))
    throw std::length_error(fmt::format("piano roll of {} cells exceeds the limit of {}", cells, config.max_cells));
  roll.velocity.assign(static_cast<size_t>(cells), 0);
  roll.onsets.assign(static_cast<size_t>(cells), 0);
  for (size_t ti = 0; ti < score.tracks.size(); ++ti) {
    for (const Note& n : score.tracks[ti].notes) {
      if (n.pitch < config.lowest_pitch || n.pitch >= config.lowest_pitch + config.num_pitches) continue;
      const GridNote g = to_grid(n, score.ticks_per_quarter, config.steps_per_quarter);
      for (int64_t s = std::max<int64_t>(g.start, 0); s < g.end; ++s) {
        uint8_t& cell = roll.velocity[roll.index(ti, s, n.pitch)];
        cell = std::max<uint8_t>(cell, std::max<uint8_t>(n.velocity, 1));
      }
      if (g.start >= 0) roll.onsets[roll.index(ti, g.start, n.pitch)] = 1;
    }
  }
  return roll;
}

Score decode_piano_roll(const PianoRoll& roll, int ticks_per_quarter) {
  const PianoRollConfig& c = roll.config;
  if (ticks_per_quarter % c.steps_per_quarter != 0)
    throw std::invalid_argument("piano roll: ticks_per_quarter must be a multiple of steps_per_quarter");
  const bool with_onsets = roll.onsets.size() == roll.velocity.size();
  auto tick = [&](int64_t step) { return step_to_tick(step, ticks_per_quarter, c.steps_per_quarter); };
  Score score;
  score.ticks_per_quarter = ticks_per_quarter;
  for (size_t ti = 0; ti < roll.tracks.size(); ++ti) {
    Track& t = score.tracks.emplace_back();
    t.name = roll.tracks[ti].name;
    t.program = roll.tracks[ti].program;
    t.is_drum = roll.tracks[ti].is_drum;
    t.channel = t.is_drum ? kDrumChannel : melodic_channel(ti);
    for (int p = c.lowest_pitch; p < c.lowest_pitch + c.num_pitches; ++p) {
      int64_t start = -1;
      for (int64_t s = 0; s <= roll.num_steps; ++s) {
        const bool on = s < roll.num_steps && roll.velocity[roll.index(ti, s, p)] > 0;
        const bool onset = on && with_onsets && roll.onsets[roll.index(ti, s, p)] != 0;
        if (start >= 0 && (!on || (onset && s > start))) {
          t.notes.push_back({tick(start), tick(s), static_cast<uint8_t>(p), roll.velocity[roll.index(ti, start, p)]});
          start = -1;
        }
        if (on && start < 0) start = s;
      }
    }
    std::stable_sort(t.notes.begin(), t.notes.end(), [](const Note& a, const Note& b) {
      return a.start != b.start ? a.start < b.start : a.pitch < b.pitch;
    });
  }
  return score;
}

Score musegan_tracks(const Score& score) {
  static const char* kNames[] = {"Drums", "Piano", "Guitar", "Bass", "Strings"};
  static const int kPrograms[] = {0, 0, 24, 32, 48};
  Score out = score;
  out.tracks.clear();
  for (int i = 0; i < 5; ++i) {
    Track& t = out.tracks.emplace_back();
    t.name = kNames[i];
    t.program = kPrograms[i];
    t.is_drum = i == 0;
    t.channel = i == 0 ? kDrumChannel : melodic_channel(i - 1);
  }
  for (const Track& t : score.tracks) {
    int group = 4;
    if (t.is_drum)
      group = 0;
    else if (t.program < 8)
      group = 1;
    else if (t.program >= 24 && t.program < 32)
      group = 2;
    else if (t.program >= 32 && t.program < 40)
      group = 3;
    auto& notes = out.tracks[group].notes;
    notes.insert(notes.end(), t.notes.begin(), t.notes.end());
  }
  for (Track& t : out.tracks)
    std::stable_sort(t.notes.begin(), t.notes.end(), [](const Note& a, const Note& b) { return a.start < b.start; });
  return out;
}

}  // namespace cadenza::music::repr
