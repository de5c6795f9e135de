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
  // code's parallel update (batch_size_per_voice = 8), several times faster per cell than
  // one at a time and no worse in our harmonisations (docs/RESULTS.md).
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
