// Monophonic melody tokens (Magenta MelodyRNN, "basic_rnn" one-hot encoding).
//
// One token per grid step (default a 16th note: 4 steps per quarter):
//   0            NO_EVENT   (Magenta -2): the previous event continues
//   1            NOTE_OFF   (Magenta -1): silence from this step
//   2 + p - min  NOTE_ON p  for min_pitch <= p < max_pitch (Magenta default 48..83)
// vocab_size = max_pitch - min_pitch + 2 = 38 by default, exactly Magenta's
// MelodyOneHotEncoding(48, 84).
//
// Encoding: all non-drum notes, quantised to the grid; at a step where several notes start
// the highest wins (Magenta's ignore_polyphonic_notes keeps the highest too); a new onset
// cuts the sounding note; a note is ended by NOTE_OFF at its end step unless another
// starts there. Pitches outside the range are moved by octaves into it. Decoding gives
// one track at 120 BPM, ticks_per_quarter 480, velocity 100.
#pragma once

#include "music/repr/tokenizer.h"

namespace cadenza::music::repr {

struct MelodyConfig {
  int min_pitch = 48;  // inclusive
  int max_pitch = 84;  // exclusive
  int steps_per_quarter = 4;
};

class MelodyTokenizer final : public Tokenizer {
 public:
  static constexpr int32_t kNoEvent = 0;
  static constexpr int32_t kNoteOff = 1;
  static constexpr int kDecodeTicksPerQuarter = 480;
  static constexpr int kDecodeVelocity = 100;

  explicit MelodyTokenizer(MelodyConfig config = {});
  std::string name() const override { return "melody"; }
  int32_t vocab_size() const override { return config_.max_pitch - config_.min_pitch + 2; }
  std::vector<int32_t> encode(const Score& score) const override;
  Score decode(std::span<const int32_t> tokens) const override;
  std::string token_name(int32_t token) const override;
  const MelodyConfig& config() const { return config_; }
  // `token` with its pitch moved by `semitones` and folded back into the range by octaves,
  // as encode() folds pitches outside it; kNoEvent and kNoteOff stay.
  int32_t transposed(int32_t token, int semitones) const;

 private:
  int fold_into_range(int pitch) const;
  MelodyConfig config_;
};

}  // namespace cadenza::music::repr
