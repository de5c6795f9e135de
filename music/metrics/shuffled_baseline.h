// The shuffled-corpus control of a set comparison: reference pieces with their musical
// structure destroyed and their material kept. Within each track, the pitches are
// permuted among the track's notes and, independently, the onsets among its notes; every
// note keeps its duration. So each track keeps its note count, its pitch multiset (hence
// its range and pitch-class content), its onset times and its duration multiset, and
// loses which pitch sounds when and for how long: melody, chords, voice leading and the
// alignment of durations with the beat. A metric on which this control scores as well as
// the reference itself cannot see that structure.
#pragma once

#include <cstdint>
#include <vector>

#include "music/score/score.h"

namespace cadenza::music::metrics {

// One piece shuffled; the same seed gives the same piece. Notes stay sorted by start.
Score shuffle_structure(const Score& piece, uint64_t seed);

// Piece i shuffled with a seed drawn from (seed, i), so a piece's control does not
// depend on the pieces before it.
std::vector<Score> shuffled_baseline(const std::vector<Score>& pieces, uint64_t seed);

}  // namespace cadenza::music::metrics
