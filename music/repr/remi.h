// REMI tokens (Huang & Yang 2020, "Pop Music Transformer"), for 4/4 music on a 16th-note
// grid, without the chord events of the paper. Vocabulary (273):
//   0          BAR
//   1..16      POSITION 1/16 .. 16/16 within the bar
//   17..48     TEMPO bin t: 30 + 6 t BPM (30..216; the paper splits class + value)
//   49..176    PITCH 0..127 (the paper's "Note On")
//   177..208   VELOCITY bin (Magenta bins of 4, as in performance events)
//   209..272   DURATION 1..64 sixteenths (longer notes are cut to 4 bars)
// Per bar: BAR, then for each position holding an event: POSITION, TEMPO (only where the
// tempo bin changes, and at the first note), then per note, lowest pitch first:
// VELOCITY, PITCH, DURATION. Drum tracks are left out. Decoding gives one piano track
// at ticks_per_quarter 480.
#pragma once

#include "music/repr/tokenizer.h"

namespace cadenza::music::repr {

class RemiTokenizer final : public Tokenizer {
 public:
  static constexpr int32_t kBar = 0;
  static constexpr int32_t kPosition = 1;
  static constexpr int32_t kTempo = 17;
  static constexpr int32_t kPitch = 49;
  static constexpr int32_t kVelocity = 177;
  static constexpr int32_t kDuration = 209;
  static constexpr int kPositions = 16;
  static constexpr int kTempoBins = 32;
  static constexpr int kVelocityBins = 32;
  static constexpr int kMaxDuration = 64;
  static constexpr int kDecodeTicksPerQuarter = 480;

  static int tempo_to_bin(double bpm);
  static double bin_to_tempo(int bin) { return 30.0 + 6.0 * bin; }

  std::string name() const override { return "remi"; }
  int32_t vocab_size() const override { return 273; }
  std::vector<int32_t> encode(const Score& score) const override;
  Score decode(std::span<const int32_t> tokens) const override;
  std::string token_name(int32_t token) const override;
};

}  // namespace cadenza::music::repr
