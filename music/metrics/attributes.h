// Melody attributes for MusicVAE's attribute vectors (Roberts et al. 2018, section 5.3,
// which moves melodies along note density, syncopation, average interval, ...), defined
// on a score's pitched notes so they apply to any decoded melody. Pitch range is
// muspy.h's pitch_range (highest minus lowest pitch).
#pragma once

#include <string>
#include <vector>

#include "music/score/score.h"

namespace cadenza::music::metrics {

// Note onsets per quarter note over `quarters` quarter notes (for a fixed-length segment,
// its length, so trailing rests count); quarters <= 0 means up to the last note's end,
// rounded up to a whole quarter. 0 with no note.
double note_density(const Score& score, double quarters = 0);

// The share of onsets that fall between quarter-note beats (start not a multiple of
// ticks_per_quarter): 0 for a melody entirely on the beat, 1 for one entirely off it. In
// [0, 1]; 0 with no note.
double syncopation(const Score& score);

// The attributes by name, for `cadenza attributes` and `cadenza transform`: note_density
// (over `quarters`, as above), pitch_range, syncopation. Unknown names throw listing them.
const std::vector<std::string>& attribute_names();
double attribute(const std::string& name, const Score& score, double quarters = 0);

}  // namespace cadenza::music::metrics
