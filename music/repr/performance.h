// Performance events (Oore et al. 2018, "This time with feeling"; Magenta Performance
// RNN). 388 tokens, in Magenta's PerformanceOneHotEncoding order:
//   0..127    NOTE_ON  pitch
//   128..255  NOTE_OFF pitch
//   256..355  TIME_SHIFT of 1..100 steps of 10 ms (10 ms .. 1 s)
//   356..387  VELOCITY bin 1..32 (Magenta's bins: size ceil(127/32) = 4, so bin b decodes
//             to velocity 1 + 4 (b - 1))
// Times are absolute seconds through the tempo map, rounded to 10 ms. At one time step
// note-offs come before note-ons (so a repeated key re-strikes), each group by pitch;
// a VELOCITY event precedes a note-on whose bin differs from the current one. Drum
// tracks are left out (Performance RNN models piano). Decoding gives one piano track at
// 120 BPM with ticks_per_quarter 500 (1 tick = 1 ms); an unmatched NOTE_ON ends at the
// last event.
#pragma once

#include "music/repr/tokenizer.h"

namespace cadenza::music::repr {

class PerformanceTokenizer final : public Tokenizer {
 public:
  static constexpr int32_t kNoteOn = 0;
  static constexpr int32_t kNoteOff = 128;
  static constexpr int32_t kTimeShift = 256;
  static constexpr int32_t kVelocity = 356;
  static constexpr int kMaxShiftSteps = 100;
  static constexpr int kStepsPerSecond = 100;
  static constexpr int kVelocityBins = 32;
  static constexpr int kDecodeTicksPerQuarter = 500;  // at 120 BPM: 1 ms per tick

  std::string name() const override { return "performance"; }
  int32_t vocab_size() const override { return 388; }
  std::vector<int32_t> encode(const Score& score) const override;
  Score decode(std::span<const int32_t> tokens) const override;
  std::string token_name(int32_t token) const override;
};

}  // namespace cadenza::music::repr
