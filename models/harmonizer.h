#pragma once
// A model that fills voices of a chorale around the voices it is given (deepbach):
// `cadenza harmonize` and `cadenza infill` work on any family that implements it
// (models/capability.h).
#include <cstdint>
#include <string>
#include <vector>

#include "models/model.h"

namespace cadenza::models {

struct HarmonizeOptions {
  int64_t iterations = 0;  // 0: the model's default (deepbach: about kRedrawsPerCell redraws of every free cell)
  // Cells of a voice redrawn together from one batched pass of its network: the DeepBach
  // code's parallel update (batch_size_per_voice = 8). Harmonising 20 JSB validation
  // sopranos (32 redraws a cell, temperature 0.5) it took 39 s against 103 s one cell at
  // a time, mean OA against Bach's 0.739 against 0.759, parallel fifths and octaves alike
  // (docs/RESULTS.md).
  int64_t cells_per_voice = 8;
  double temperature = 1.0;  // the final sampling temperature (> 0)
  uint64_t seed = 0;
};

class Harmonizer : public Model {
 public:
  // The voices, top to bottom; track k of a score is voice k.
  virtual std::vector<std::string> voice_names() const = 0;
  // Fills `voices` (indices into voice_names()) of `melody` over its whole length and keeps
  // every other voice's notes.
  virtual music::Score harmonize(const music::Score& melody, const std::vector<int>& voices,
                                 const HarmonizeOptions& options) = 0;
  // Resamples every voice in quarter-note beats [from_beat, to_beat); every note outside
  // sounds as before.
  virtual music::Score infill(const music::Score& chorale, double from_beat, double to_beat,
                              const HarmonizeOptions& options) = 0;
};

}  // namespace cadenza::models
