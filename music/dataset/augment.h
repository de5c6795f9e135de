// Data augmentation: transposition (with range checks) and tempo change.
#pragma once

#include <optional>

#include "music/dataset/rng.h"
#include "music/repr/json_roll.h"
#include "music/score/score.h"

namespace cadenza::music::dataset {

struct PitchRange {
  int low = 0;     // inclusive
  int high = 127;  // inclusive
};

// Shifts every non-drum note by `semitones` if all stay inside `range`; otherwise
// returns false and leaves the score as it was. Drums never move (their "pitch" is an
// instrument).
bool transpose(Score& score, int semitones, PitchRange range = {});
bool transpose(repr::RollPiece& piece, int semitones, PitchRange range = {repr::kRollLowestPitch, 108});

// A shift drawn uniformly from the shifts in [-max_shift, max_shift] that keep the score
// in range (0 is always one of them when the score is in range).
int random_transposition(const Score& score, int max_shift, Rng& rng, PitchRange range = {});
int random_transposition(const repr::RollPiece& piece, int max_shift, Rng& rng,
                         PitchRange range = {repr::kRollLowestPitch, 108});

// Plays `factor` times faster (factor 1.1 = 10 % faster): every tempo's microseconds per
// quarter is divided by factor; ticks, hence the metrical grid, do not change.
void scale_tempo(Score& score, double factor);

}  // namespace cadenza::music::dataset
