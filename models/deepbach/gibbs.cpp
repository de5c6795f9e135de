#include "models/deepbach/gibbs.h"

#include <cmath>

#include "engine/autograd.h"
#include "engine/error.h"
#include "models/deepbach/chorale_batch.h"
#include "music/dataset/rng.h"
#include "ops/ops.h"

namespace cadenza::models::deepbach {
namespace {

void check_options(const GibbsOptions& o) {
  CADENZA_CHECK(o.iterations >= 1, "deepbach: iterations must be at least 1, got {}", o.iterations);
  CADENZA_CHECK(o.cells_per_voice >= 1, "deepbach: cells_per_voice must be at least 1, got {}", o.cells_per_voice);
  CADENZA_CHECK(std::isfinite(o.temperature) && o.temperature > 0 && std::isfinite(o.start_temperature) &&
                    o.start_temperature > 0,
                "deepbach: temperatures must be > 0, got start {} and final {}", o.start_temperature, o.temperature);
}

// Voice indices as a fixed-cell mask: every cell of a voice not listed is kept.
std::vector<uint8_t> keep_other_voices(const ChoraleGrid& g, const std::vector<int>& voices) {
  std::array<uint8_t, kVoices> keep{1, 1, 1, 1};
  for (int v : voices) {
    CADENZA_CHECK(v >= 0 && v < kVoices, "deepbach: voice {} is not 0 (soprano) .. 3 (bass)", v);
    keep[size_t(v)] = 0;
  }
  std::vector<uint8_t> fixed(g.tokens.size());
  for (size_t i = 0; i < fixed.size(); ++i) fixed[i] = keep[i % kVoices];
  return fixed;
}

int64_t beat_step(double beat, const char* what) {
  const double s = beat * kStepsPerQuarter;
  CADENZA_CHECK(std::isfinite(s) && s == std::round(s), "deepbach: {} beat {} is not on the 16th-note grid", what,
                beat);
  return int64_t(s);
}

}  // namespace

double gibbs_temperature(const GibbsOptions& o, int64_t i) {
  if (o.iterations <= 1) return o.temperature;
  const double f = double(i) / double(o.iterations - 1);
  return std::pow(o.start_temperature, 1 - f) * std::pow(o.temperature, f);
}

ChoraleGrid gibbs_sample(DeepBach& model, ChoraleGrid grid, const std::vector<uint8_t>& fixed, const GibbsOptions& o) {
  check_options(o);
  CADENZA_CHECK(
      grid.steps >= 1 && grid.tokens.size() == size_t(grid.steps * kVoices) && fixed.size() == grid.tokens.size(),
      "deepbach: a grid of {} steps needs {} tokens and fixed flags, got {} and {}", grid.steps, grid.steps * kVoices,
      grid.tokens.size(), fixed.size());
  const VoiceRanges& ranges = model.settings().ranges;
  music::dataset::Rng rng(o.seed);
  Generator gen(o.seed);
  std::array<std::vector<int64_t>, kVoices> free;
  for (int64_t t = 0; t < grid.steps; ++t)
    for (int v = 0; v < kVoices; ++v)
      if (!fixed[size_t(t * kVoices + v)]) {
        free[size_t(v)].push_back(t);
        grid.at(t, v) = kPadTokens + int32_t(rng.below(uint64_t(class_count(ranges[size_t(v)]))));
      }
  NoGradGuard no_grad;
  nn::EvalScope eval(model);
  const int64_t window = model.settings().window;
  for (int64_t i = 0; i < o.iterations; ++i) {
    const double temperature = gibbs_temperature(o, i);
    for (int v = 0; v < kVoices; ++v) {
      const auto& cells = free[size_t(v)];
      if (cells.empty()) continue;
      std::vector<WindowRef> refs;
      for (int64_t k = 0; k < o.cells_per_voice; ++k) refs.push_back({&grid, cells[rng.below(cells.size())]});
      Tensor logits = model.voice_logits(v, window_batch(refs, window));
      std::vector<int64_t> drawn = sample_logits(logits, temperature, 0, 1.0, &gen).to_vector<int64_t>();
      for (size_t k = 0; k < refs.size(); ++k) grid.at(refs[k].step, v) = int32_t(drawn[k]) + kPadTokens;
    }
  }
  return grid;
}

ChoraleGrid harmonize(DeepBach& model, const ChoraleGrid& melody, const std::vector<int>& voices,
                      const GibbsOptions& options) {
  return gibbs_sample(model, melody, keep_other_voices(melody, voices), options);
}

music::Score harmonize(DeepBach& model, const music::Score& melody, const std::vector<int>& voices,
                       const GibbsOptions& options) {
  const VoiceRanges& ranges = model.settings().ranges;
  return grid_to_score(harmonize(model, score_to_grid(melody, ranges), voices, options), ranges);
}

ChoraleGrid infill(DeepBach& model, const ChoraleGrid& chorale, double from_beat, double to_beat,
                   const GibbsOptions& options, const std::vector<int>& voices) {
  const int64_t from = beat_step(from_beat, "from"), to = beat_step(to_beat, "to");
  CADENZA_CHECK(0 <= from && from < to && to <= chorale.steps,
                "deepbach: infill beats [{}, {}) must be a non-empty part of the chorale's {} beats", from_beat,
                to_beat, double(chorale.steps) / kStepsPerQuarter);
  const VoiceRanges& ranges = model.settings().ranges;
  ChoraleGrid grid = chorale;
  std::vector<uint8_t> fixed = keep_other_voices(grid, voices);
  const ChoralePitches sounding = decode_pitches(chorale, ranges);
  for (int v = 0; v < kVoices; ++v) {
    if (fixed[size_t(v)]) continue;  // a kept voice keeps its ties too
    for (int64_t t = from; t < to; ++t) fixed[size_t(t * kVoices + v)] = 0;
    for (int64_t t = 0; t < grid.steps; ++t)
      if (t < from || t >= to) fixed[size_t(t * kVoices + v)] = 1;
    if (to < grid.steps && grid.at(to, v) == kHold) {
      const int p = sounding[size_t(to)][size_t(v)];
      grid.at(to, v) = p < 0 ? kRest : pitch_token(ranges[size_t(v)], p);
    }
  }
  return gibbs_sample(model, std::move(grid), fixed, options);
}

music::Score infill(DeepBach& model, const music::Score& chorale, double from_beat, double to_beat,
                    const GibbsOptions& options, const std::vector<int>& voices) {
  const VoiceRanges& ranges = model.settings().ranges;
  return grid_to_score(infill(model, score_to_grid(chorale, ranges), from_beat, to_beat, options, voices), ranges);
}

int64_t default_iterations(int64_t free_steps, int64_t cells_per_voice) {
  return kRedrawsPerCell * free_steps / std::max<int64_t>(1, cells_per_voice) + 1;
}

namespace {

// The pseudo-Gibbs schedule of `o` for `free_steps` steps (as sample() does).
GibbsOptions gibbs_schedule(const HarmonizeOptions& o, int64_t free_steps) {
  GibbsOptions g;
  g.iterations = o.iterations > 0 ? o.iterations : default_iterations(free_steps, o.cells_per_voice);
  g.cells_per_voice = o.cells_per_voice;
  g.temperature = o.temperature;
  g.start_temperature = std::max(1.5, o.temperature);
  g.seed = o.seed;
  return g;
}

}  // namespace

std::vector<std::string> DeepBach::voice_names() const { return {"soprano", "alto", "tenor", "bass"}; }

music::Score DeepBach::harmonize(const music::Score& melody, const std::vector<int>& voices,
                                 const HarmonizeOptions& options) {
  const int64_t steps =
      (melody.end_tick() * kStepsPerQuarter + melody.ticks_per_quarter - 1) / melody.ticks_per_quarter;
  return deepbach::harmonize(*this, melody, voices, gibbs_schedule(options, steps));
}

music::Score DeepBach::infill(const music::Score& chorale, double from_beat, double to_beat,
                              const HarmonizeOptions& options) {
  const int64_t steps = int64_t(std::ceil((to_beat - from_beat) * kStepsPerQuarter));
  return deepbach::infill(*this, chorale, from_beat, to_beat, gibbs_schedule(options, steps));
}

}  // namespace cadenza::models::deepbach
