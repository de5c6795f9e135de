// Magenta's drum encoding (note_seq drums_encoder_decoder.MultiDrumOneHotEncoding, used by
// MusicVAE's DrumsConverter and TrioConverter): every General MIDI drum pitch belongs to
// one of 9 classes, and one grid step is the set of classes struck there, a 9-bit number
// (bit i = class i), so a step has 2^9 = 512 classes; 0 is a step without a hit.
// Decoding strikes each class's first pitch for one step on the drum channel.
//
// The pitch lists are note_seq's DEFAULT_DRUM_TYPE_PITCHES (2020 on). The 2018 magenta.music
// list the MusicVAE paper trained with differs in three places: 43 (high floor tom) was a
// high tom, 52 (Chinese cymbal) a ride, and the Roland hi-hat pitches 22 and 26 were
// unknown. Both lists start each class with the same pitch, so decoding is identical.
// Pitches in no class are ignored, as in Magenta (ignore_unknown_drums).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "music/score/score.h"

namespace cadenza::music::repr {

inline constexpr int kDrumClasses = 9;
inline constexpr int32_t kDrumVocab = 1 << kDrumClasses;  // 512

// Class i's pitches, its decoding pitch first: kick, snare, closed hi-hat, open hi-hat,
// low tom, mid tom, high tom, crash, ride.
const std::array<std::vector<int>, kDrumClasses>& drum_class_pitches();
// The class of a pitch, or -1 when the pitch is in none.
int drum_class_of(int pitch);

// One 9-bit value per grid step from the onsets of every drum track (Track::is_drum) of
// `score`; the sequence ends at the step after the last onset of a known pitch.
std::vector<int32_t> encode_drums(const Score& score, int steps_per_quarter);
// A drum track (channel 10) from per-step values in 0..511; throws std::invalid_argument
// on a value outside them.
Track decode_drums(std::span<const int32_t> steps, int ticks_per_quarter, int steps_per_quarter, int velocity);

}  // namespace cadenza::music::repr
