#include "models/deepbach/chorale_batch.h"

#include <algorithm>

#include "engine/error.h"
#include "models/data_source.h"
#include "music/dataset/rng.h"

namespace cadenza::models::deepbach {

Batch window_batch(const std::vector<WindowRef>& refs, int64_t window) {
  CADENZA_CHECK(!refs.empty() && window >= 1, "deepbach: a window batch needs steps and a window >= 1");
  const int64_t B = int64_t(refs.size()), L = 2 * window + 1;
  std::vector<int64_t> tokens(size_t(B * L * kVoices)), targets(size_t(B * kVoices));
  std::vector<float> meta(size_t(B * L * 2), 0.f);
  for (int64_t b = 0; b < B; ++b) {
    const ChoraleGrid& g = *refs[size_t(b)].grid;
    const int64_t centre = refs[size_t(b)].step;
    CADENZA_CHECK(centre >= 0 && centre < g.steps, "deepbach: step {} outside a chorale of {} steps", centre, g.steps);
    const int32_t shift = refs[size_t(b)].transpose;
    auto moved = [&](int32_t token) { return token >= kFirstPitch ? token + shift : token; };
    for (int64_t i = 0; i < L; ++i) {
      const int64_t t = centre - window + i;
      for (int v = 0; v < kVoices; ++v)
        tokens[size_t((b * L + i) * kVoices + v)] = t < 0 ? kStart : t >= g.steps ? kEnd : moved(g.at(t, v));
      meta[size_t((b * L + i) * 2)] = float(bar_position(t));  // fermata slot stays 0
    }
    for (int v = 0; v < kVoices; ++v) targets[size_t(b * kVoices + v)] = moved(g.at(centre, v)) - kPadTokens;
  }
  return {Tensor::from_vector<int64_t>(tokens, {B, L, kVoices}), Tensor::from_vector<int64_t>(targets, {B, kVoices}),
          Tensor::ones({B, kVoices}, DType::f32), Tensor::from_vector<float>(meta, {B, L, 2})};
}

namespace {

// The shifts in [-max_transpose, max_transpose] that keep every pitch token of the window
// around `centre` inside its voice's range, as [lo, hi] (lo > hi: none but 0 applies).
std::pair<int32_t, int32_t> transpositions(const ChoraleGrid& g, int64_t centre, int64_t window,
                                           const VoiceRanges& ranges, int max_transpose) {
  int32_t lo = -max_transpose, hi = max_transpose;
  for (int64_t t = std::max<int64_t>(0, centre - window); t <= std::min(g.steps - 1, centre + window); ++t)
    for (int v = 0; v < kVoices; ++v) {
      const int32_t token = g.at(t, v);
      if (token < kFirstPitch) continue;
      lo = std::max(lo, kFirstPitch - token);
      hi = std::min(hi, kFirstPitch + ranges[size_t(v)].hi - ranges[size_t(v)].lo - token);
    }
  return {lo, hi};
}

}  // namespace

Batch random_chorale_batch(const std::vector<ChoraleGrid>& pieces, int64_t window, int64_t batch_size, uint64_t seed,
                           int64_t batch_index, const VoiceRanges& ranges, int max_transpose) {
  std::vector<int64_t> ends;  // prefix sums of the chorale lengths
  int64_t total = 0;
  for (const auto& p : pieces) ends.push_back(total += p.steps);
  CADENZA_CHECK(total > 0 && batch_size >= 1, "deepbach: no chorale steps to draw a batch from");
  music::dataset::Rng rng(batch_seed(seed, batch_index));
  std::vector<WindowRef> refs;
  for (int64_t b = 0; b < batch_size; ++b) {
    const int64_t s = int64_t(rng.below(uint64_t(total)));
    const size_t k = size_t(std::upper_bound(ends.begin(), ends.end(), s) - ends.begin());
    refs.push_back({&pieces[k], s - (ends[k] - pieces[k].steps)});
  }
  // Drawn after the positions, so a batch's windows are the same with or without shifts.
  if (max_transpose > 0)
    for (WindowRef& ref : refs) {
      const auto [lo, hi] = transpositions(*ref.grid, ref.step, window, ranges, max_transpose);
      if (lo <= hi) ref.transpose = lo + int32_t(rng.below(uint64_t(hi - lo + 1)));
    }
  return window_batch(refs, window);
}

void for_each_eval_chorale_batch(const std::vector<ChoraleGrid>& pieces, int64_t window, int64_t batch_size,
                                 const std::function<void(const Batch&)>& fn, int64_t max_batches) {
  std::vector<WindowRef> refs;
  int64_t emitted = 0;
  for (const auto& p : pieces)
    for (int64_t t = 0; t < p.steps; ++t) {
      if (max_batches > 0 && emitted == max_batches) return;
      refs.push_back({&p, t});
      if (int64_t(refs.size()) == batch_size) fn(window_batch(refs, window)), refs.clear(), ++emitted;
    }
  if (!refs.empty() && (max_batches == 0 || emitted < max_batches)) fn(window_batch(refs, window));
}

}  // namespace cadenza::models::deepbach
