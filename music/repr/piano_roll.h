// Multi-track piano roll on a metrical grid.
//
// Layout (row-major): velocity[(track * num_steps + step) * num_pitches + (pitch - lowest)],
// 0 = silent, 1..127 = sounding with that velocity. `onsets` has the same shape with 1
// where a note starts, so that repeated notes of one key survive decoding (a plain roll
// cannot tell one long note from two adjacent ones; decoding without onsets merges them).
// A note covers steps [round(start), max(round(end), round(start) + 1)) at
// steps_per_quarter; pitches outside [lowest, lowest + num_pitches) are dropped.
// MuseGAN's setting is 84 pitches from C1 (24), 12 steps per quarter (48 per 4/4 bar) and
// the five tracks of musegan_tracks().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "music/score/score.h"

namespace cadenza::music::repr {

struct PianoRollConfig {
  int steps_per_quarter = 4;
  int lowest_pitch = 0;
  int num_pitches = 128;
  int64_t max_cells = int64_t{1} << 28;  // tracks x steps x pitches; larger throws
};

struct RollTrack {
  std::string name;
  int program = 0;
  bool is_drum = false;
};

struct PianoRoll {
  PianoRollConfig config;
  int64_t num_steps = 0;
  std::vector<RollTrack> tracks;
  std::vector<uint8_t> velocity;
  std::vector<uint8_t> onsets;

  size_t index(size_t track, int64_t step, int pitch) const {
    return (track * static_cast<size_t>(num_steps) + static_cast<size_t>(step)) * config.num_pitches +
           static_cast<size_t>(pitch - config.lowest_pitch);
  }
};

PianoRoll encode_piano_roll(const Score& score, const PianoRollConfig& config = {});
// ticks_per_quarter of the result; it must be a multiple of steps_per_quarter.
Score decode_piano_roll(const PianoRoll& roll, int ticks_per_quarter = 480);

// MuseGAN / LPD-5 grouping into Drums, Piano, Guitar, Bass, Strings by General MIDI
// program family (piano 0-7, guitar 24-31, bass 32-39, strings and ensemble 40-55).
// Other programs join Strings (our choice: LPD-5 has no "other" track).
Score musegan_tracks(const Score& score);

}  // namespace cadenza::music::repr
