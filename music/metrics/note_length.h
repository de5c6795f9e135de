// MGEval's note-length histogram (Yang & Lerch 2018; mgeval core.py, note_length_hist):
// every pitched note's length goes to the nearest of 12 standard lengths, and the counts
// are normalised to sum 1. MGEval measures lengths in 96ths of a 4/4 bar; here they are
// in quarter notes whatever the meter (the same in 4/4), so a 3/4 piece's half note is a
// half note. Ties go to the bin listed first; longer than a whole note is a whole note.
// Drum notes are left out (their length is no musical choice).
#pragma once

#include <array>

#include "music/score/score.h"

namespace cadenza::music::metrics {

inline constexpr int kNoteLengthBins = 12;

// MGEval's order: whole, half, quarter, 8th, 16th, dotted half, dotted quarter, dotted
// 8th, dotted 16th, half triplet, quarter triplet, 8th triplet.
const std::array<const char*, kNoteLengthBins>& note_length_bin_names();
const std::array<double, kNoteLengthBins>& note_length_bin_quarters();  // 4, 2, 1, ...

// The normalised histogram; all zeros for a score without pitched notes.
std::array<double, kNoteLengthBins> note_length_histogram(const Score& score);

}  // namespace cadenza::music::metrics
