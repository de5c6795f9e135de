// Voice leading of four-part chorales (SATB, track k = voice k: 0 soprano, 1 alto,
// 2 tenor, 3 bass), counted per pair of voices, as harmony textbooks forbid it:
//  - parallel fifths / octaves: two consecutive vertical intervals of the pair that are
//    both perfect fifths (both octaves or unisons), modulo the octave, with both voices
//    moving in the same direction. A fifth reached by similar motion from another
//    interval (a hidden fifth) and fifths in contrary motion are not counted;
//  - crossings: the lower voice of the pair rising above the higher one (each entry into
//    the crossed position counts once).
// The pair's vertical sonorities are read at every tick where a note of either voice
// starts or ends; a voice sounding two notes at once sounds its latest onset (then its
// highest pitch). A rest in either voice breaks the succession.
#pragma once

#include <array>
#include <cstdint>

#include "music/score/score.h"

namespace cadenza::music::metrics {

inline constexpr int kChoraleVoices = 4;
inline constexpr int kVoicePairs = 6;  // S-A, S-T, S-B, A-T, A-B, T-B

struct VoicePairCounts {
  int64_t parallel_fifths = 0, parallel_octaves = 0, crossings = 0;
  VoicePairCounts& operator+=(const VoicePairCounts& o);
};

struct VoiceLeading {
  std::array<VoicePairCounts, kVoicePairs> pairs{};
  double beats = 0;  // quarter notes up to the score's end
  VoicePairCounts total() const;
  VoiceLeading& operator+=(const VoiceLeading& o);  // pools pieces: counts and beats add
};

// The upper and lower voice of pair p (0..5), and its name ("S-A").
int upper_voice(int pair);
int lower_voice(int pair);
const char* voice_pair_name(int pair);

// Throws std::invalid_argument unless the score has exactly four tracks.
VoiceLeading voice_leading(const Score& score);

// Events per voice pair and per beat: count / (pairs * beats); 0 without beats.
double per_pair_beat(int64_t count, double beats, int pairs = 1);

}  // namespace cadenza::music::metrics
