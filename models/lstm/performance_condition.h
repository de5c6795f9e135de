#pragma once
// Performance RNN's control signals (Magenta performance_controls.py,
// multiconditioned_performance_with_dynamics), per token of a "performance" sequence:
//
//   note density: note-ons per second in the 3 s window starting at the token's time,
//     shortened at the end of the piece, one-hot over 8 bins with Magenta's edges
//     [1, 2, 4, 8, 16, 32, 64] (bin i holds densities below edge i; the last, >= 64);
//   pitch-class histogram: seconds each pitch class sounds within the 5 s window
//     starting at the token's time, plus a prior of 0.01 per class, normalised to sum 1.
//
// As in Magenta, a token that does not follow a TIME_SHIFT repeats the previous token's
// values (no time has passed). Row layout, C = performance_condition_size(...):
//   [density one-hot (8) if note_density][histogram (12) if pitch_histogram]
//
// Training (Batch.condition [B, T, C]): the row at step t is the control of the token
// the step predicts, i.e. performance_condition(piece)[index of targets[b, t]] (Magenta
// pairs input event i with control i + 1). Padded steps may hold any row (say zeros).
// Sampling: SampleOptions.controls {"note_density": notes per second (default 15),
// "pitch_histogram": [12 weights] (default all equal)}, held for every step.
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

namespace cadenza::models {

inline constexpr int64_t kDensityBins = 8;
inline constexpr int64_t kPitchClasses = 12;

struct PerformanceControls {
  bool note_density = false;
  bool pitch_histogram = false;
  int64_t size() const { return (note_density ? kDensityBins : 0) + (pitch_histogram ? kPitchClasses : 0); }
};

// The controls a performance_rnn config asks for (keys "note_density", "pitch_histogram").
PerformanceControls performance_controls(const nlohmann::json& model_config);

// Rows [tokens.size() x controls.size()], row-major (empty when no control is on).
std::vector<float> performance_condition(std::span<const int32_t> tokens, const PerformanceControls& controls);

// One row from the sampling controls (missing keys take Magenta's defaults); bad values
// throw naming the key.
std::vector<float> performance_control_row(const nlohmann::json& controls, const PerformanceControls& which);

// Magenta's density bin of a rate in notes per second.
int64_t note_density_bin(double notes_per_second);

}  // namespace cadenza::models
