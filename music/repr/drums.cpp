#include "music/repr/drums.h"

#include <algorithm>

#include "music/repr/grid.h"
#include "music/repr/tokenizer.h"

namespace cadenza::music::repr {

const std::array<std::vector<int>, kDrumClasses>& drum_class_pitches() {
  static const std::array<std::vector<int>, kDrumClasses> kPitches = {{
      {36, 35},                                                      // kick
      {38, 27, 28, 31, 32, 33, 34, 37, 39, 40, 56, 65, 66, 75, 85},  // snare
      {42, 44, 54, 68, 69, 70, 71, 73, 78, 80, 22},                  // closed hi-hat
      {46, 67, 72, 74, 79, 81, 26},                                  // open hi-hat
      {45, 29, 41, 43, 61, 64, 84},                                  // low tom
      {48, 47, 60, 63, 77, 86, 87},                                  // mid tom
      {50, 30, 62, 76, 83},                                          // high tom
      {49, 52, 55, 57, 58},                                          // crash
      {51, 53, 59, 82},                                              // ride
  }};
  return kPitches;
}

int drum_class_of(int pitch) {
  static const std::array<int8_t, 128> kClassOf = [] {
    std::array<int8_t, 128> c;
    c.fill(-1);
    for (int i = 0; i < kDrumClasses; ++i)
      for (int p : drum_class_pitches()[size_t(i)]) c[size_t(p)] = int8_t(i);
    return c;
  }();
  return pitch >= 0 && pitch < 128 ? kClassOf[size_t(pitch)] : -1;
}

std::vector<int32_t> encode_drums(const Score& score, int steps_per_quarter) {
  std::vector<std::pair<int64_t, int>> hits;  // (onset step, class)
  for (const Track& t : score.tracks)
    if (t.is_drum)
      for (const Note& n : t.notes)
        if (const int c = drum_class_of(n.pitch); c >= 0) {
          const int64_t step = tick_to_step(n.start, score.ticks_per_quarter, steps_per_quarter);
          if (step >= 0) hits.emplace_back(step, c);
        }
  int64_t length = 0;
  for (const auto& [step, c] : hits) length = std::max(length, step + 1);
  check_length(size_t(length), "drums");
  std::vector<int32_t> steps(size_t(length), 0);
  for (const auto& [step, c] : hits) steps[size_t(step)] |= int32_t(1) << c;
  return steps;
}

Track decode_drums(std::span<const int32_t> steps, int ticks_per_quarter, int steps_per_quarter, int velocity) {
  check_tokens(steps, kDrumVocab, "drums");
  Track track;
  track.name = "drums";
  track.channel = kDrumChannel;
  track.is_drum = true;
  for (size_t s = 0; s < steps.size(); ++s)
    for (int c = 0; c < kDrumClasses; ++c)
      if (steps[s] >> c & 1)
        track.notes.push_back({step_to_tick(int64_t(s), ticks_per_quarter, steps_per_quarter),
                               step_to_tick(int64_t(s) + 1, ticks_per_quarter, steps_per_quarter),
                               uint8_t(drum_class_pitches()[size_t(c)].front()), uint8_t(velocity)});
  return track;
}

}  // namespace cadenza::music::repr
