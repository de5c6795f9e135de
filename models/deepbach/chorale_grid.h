#pragma once
// The four-voice chorale grid DeepBach reads and writes (Hadjeres, Pachet & Nielsen,
// ICML 2017, section 3.1): one row per 16th-note step, one column per voice (S, A, T, B),
// one token per cell.
//
// Tokens of voice v (its own vocabulary, as in the paper):
//   0 kStart  padding before the chorale's first step (input only, never predicted)
//   1 kEnd    padding after the last step (input only, never predicted)
//   2 kRest   the voice is silent (-1 in Jsb16thSeparated.json)
//   3 kHold   the note sounding at the previous step continues (DeepBach's "__")
//   4 + p - lo  the onset of pitch p, for p in the voice's range [lo, hi]
// The network predicts only the musical tokens (rest, hold, pitches): class = token - 2.
//
// Jsb16thSeparated.json only says which pitch each voice sounds at each step, so a held
// note and a repeated one look the same: reading the corpus, a pitch equal to the voice's
// pitch at the previous step becomes kHold (as music::repr::roll_piece_to_score merges
// them). A Score keeps the distinction (a note starting on a step is an onset).
//
// Decoding a grid to a Score, a kHold with nothing sounding before it (first step, or
// after a rest) is a rest: the sampler can draw one, and it must still decode to music.
// So corpus -> grid -> Score -> grid is the identity on corpus grids, which never hold
// after a rest.
//
// Metadata per step (DeepBach's metadata inputs; the paper uses fermatas and the position
// within the beat, its code also the key): the position in a 4/4 bar, step mod 16 on the
// 16th grid (the file has no time signatures, so 3/4 chorales get a 4/4 phase, and
// pick-up bars are not known), and the fermata flag, always 0 because the file has no
// fermatas. The fermata input exists so a corpus with fermatas can fill it later.
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "music/score/score.h"

namespace cadenza::models::deepbach {

inline constexpr int kVoices = 4;           // soprano, alto, tenor, bass
inline constexpr int kStepsPerQuarter = 4;  // the 16th-note grid
inline constexpr int kBarSteps = 16;        // metadata phase: a 4/4 bar of 16ths
inline constexpr int32_t kStart = 0, kEnd = 1, kRest = 2, kHold = 3, kFirstPitch = 4;
inline constexpr int32_t kPadTokens = 2;  // start and end: not predicted

struct VoiceRange {
  int lo = 0, hi = 0;  // inclusive MIDI pitches
  bool operator==(const VoiceRange&) const = default;
};
using VoiceRanges = std::array<VoiceRange, kVoices>;

// The ranges of Jsb16thSeparated.json's training split (valid and test lie inside them):
// S 60-81, A 52-74, T 46-69, B 36-66.
VoiceRanges jsb_voice_ranges();

int32_t vocab_size(const VoiceRange& r);              // tokens, padding included
int32_t class_count(const VoiceRange& r);             // predicted classes: vocab_size - kPadTokens
int32_t pitch_token(const VoiceRange& r, int pitch);  // throws outside the range
int token_pitch(const VoiceRange& r, int32_t token);  // token >= kFirstPitch

// One chorale: steps x kVoices tokens, row-major (cell (t, v) at t * kVoices + v).
struct ChoraleGrid {
  int64_t steps = 0;
  std::vector<int32_t> tokens;
  int32_t at(int64_t t, int v) const { return tokens[size_t(t * kVoices + v)]; }
  int32_t& at(int64_t t, int v) { return tokens[size_t(t * kVoices + v)]; }
  bool operator==(const ChoraleGrid&) const = default;
};

// A chorale as the corpus stores it: per step the pitch of each voice, -1 = silent.
using PitchRow = std::array<int, kVoices>;
using ChoralePitches = std::vector<PitchRow>;

// Jsb16thSeparated.json: {"train"|"valid"|"test": [chorale, ...]}, a chorale a list of
// [S, A, T, B] steps. Throws naming the file on a missing file or a malformed step.
std::map<std::string, std::vector<ChoralePitches>> load_separated_chorales(const std::filesystem::path& path);

// Pitches -> tokens (a repeated pitch is a hold); pitches outside `ranges` throw,
// naming the voice, the step and the pitch.
ChoraleGrid encode_chorale(const ChoralePitches& pitches, const VoiceRanges& ranges);
// Tokens -> sounding pitch per step (holds resolved, -1 = silent).
ChoralePitches decode_pitches(const ChoraleGrid& grid, const VoiceRanges& ranges);

// Four tracks named Soprano, Alto, Tenor, Bass (one per voice), each a note per onset
// and its holds, 120 BPM, 4/4.
music::Score grid_to_score(const ChoraleGrid& grid, const VoiceRanges& ranges, int ticks_per_quarter = 480);
// Track k (k < 4) is voice k; missing tracks are silent. A note starting on a step is an
// onset, a note sounding there since earlier a hold; when notes of one track overlap, the
// latest onset (then the highest pitch) wins. Length: the score's end, in steps, rounded
// up, or `steps` when > 0.
ChoraleGrid score_to_grid(const music::Score& score, const VoiceRanges& ranges, int64_t steps = 0);

// Metadata of absolute step t (negative or past the end for padding): position in the
// bar and the fermata flag (always 0, see above).
inline int32_t bar_position(int64_t t) { return int32_t(((t % kBarSteps) + kBarSteps) % kBarSteps); }

}  // namespace cadenza::models::deepbach
