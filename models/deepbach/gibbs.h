#pragma once
// Pseudo-Gibbs sampling with the DeepBach voice networks (Hadjeres et al. 2017, Alg. 1),
// and the two steerable uses built on it: harmonising a melody and infilling a passage.
//
// The grid's cells are either fixed (kept bit-identical: never read-modify-written) or
// free. Free cells start as uniform random classes (rest, hold or a pitch of the voice,
// as DeepBach's random initialisation). One iteration visits each voice with free cells,
// in order S, A, T, B: it draws `cells_per_voice` of that voice's free steps uniformly
// (with replacement), evaluates the voice's network on them from the current grid in one
// batch, and redraws each from softmax(logits / T_i). With cells_per_voice = 1 this is
// the paper's one-cell-per-step pseudo-Gibbs; larger values are its code's "parallel"
// batched update, faster per cell.
//
// Temperature schedule: geometric annealing from start_temperature at the first
// iteration to `temperature` at the last, T_i = T0^(1 - i/(N-1)) * T^(i/(N-1)). The
// DeepBach code starts at 1.5 and multiplies by 0.9992 per iteration, floored at the
// target, which reaches 1 after about 500 iterations whatever N is; ours ends on the
// target for any N, so short runs still finish at the temperature asked for.
//
// Everything random comes from `seed`: the cell choices and initial notes from a
// SplitMix64 stream, the draws from a Philox generator, so a seed gives one result on any
// thread count.
#include <cstdint>
#include <vector>

#include "models/deepbach/deepbach.h"

namespace cadenza::models::deepbach {

struct GibbsOptions {
  int64_t iterations = 1000;
  int64_t cells_per_voice = HarmonizeOptions{}.cells_per_voice;
  double start_temperature = 1.5;
  double temperature = 1.0;  // the final temperature
  uint64_t seed = 0;
};

// Without an iteration count, each free cell is redrawn about kRedrawsPerCell times. From
// random notes the chain needs dozens of sweeps: harmonising 20 JSB test sopranos, 4
// redraws per cell left the voices atonal (mean OA against Bach's chorales 0.44, below
// the shuffled control's 0.74), 32 brought them near his (0.71; 64 gave 0.75) in about
// 5 s a chorale on one core.
constexpr int64_t kRedrawsPerCell = 32;
// The iterations that redraw each of `free_steps` cells per voice about kRedrawsPerCell
// times, cells_per_voice at a time.
int64_t default_iterations(int64_t free_steps, int64_t cells_per_voice);

// T_i of the schedule above, i in [0, iterations).
double gibbs_temperature(const GibbsOptions& o, int64_t i);

// fixed: grid.steps x 4, row-major like the grid, nonzero = keep. Returns the sampled
// grid; fixed cells are copied unchanged. Throws on bad options or sizes.
ChoraleGrid gibbs_sample(DeepBach& model, ChoraleGrid grid, const std::vector<uint8_t>& fixed,
                         const GibbsOptions& options);

// Fills the voices in `voices` (0 = S .. 3 = B) of `melody` over its whole length and
// keeps every other voice's cells as they are (harmonising a soprano: voices {1, 2, 3}).
ChoraleGrid harmonize(DeepBach& model, const ChoraleGrid& melody, const std::vector<int>& voices,
                      const GibbsOptions& options);
// The same from a Score: track k is voice k (a one-track score is a soprano); the result
// has four tracks (chorale_grid.h). Pitches outside a voice's range throw.
music::Score harmonize(DeepBach& model, const music::Score& melody, const std::vector<int>& voices,
                       const GibbsOptions& options);

// Resamples the cells of `voices` in the steps of quarter-note beats [from_beat, to_beat)
// (16th steps [4 from_beat, 4 to_beat)) and keeps every cell outside. One subtlety of the
// hold token: a kHold just after the passage would continue whatever the passage ends
// with, so it is first replaced by the onset of the pitch it sounds (that note is struck
// again at the passage's end instead of being tied into it); every step outside the
// passage then sounds exactly the pitches it did. Returns that grid, resampled.
ChoraleGrid infill(DeepBach& model, const ChoraleGrid& chorale, double from_beat, double to_beat,
                   const GibbsOptions& options, const std::vector<int>& voices = {0, 1, 2, 3});
music::Score infill(DeepBach& model, const music::Score& chorale, double from_beat, double to_beat,
                    const GibbsOptions& options, const std::vector<int>& voices = {0, 1, 2, 3});

}  // namespace cadenza::models::deepbach
