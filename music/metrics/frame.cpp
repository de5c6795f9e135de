#include "music/metrics/frame.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace cadenza::music::metrics {
namespace {

// Calls f(value, target) for every key of every unmasked step; returns the step count.
template <class F>
int64_t for_each_cell(std::span<const float> values, std::span<const uint8_t> targets, int64_t keys,
                      std::span<const uint8_t> mask, F f) {
  if (keys < 1 || values.size() != targets.size() || values.size() % static_cast<size_t>(keys) != 0)
    throw std::invalid_argument("frame metric: predictions and targets must both be [steps x keys]");
  const int64_t steps = static_cast<int64_t>(values.size()) / keys;
  if (!mask.empty() && static_cast<int64_t>(mask.size()) != steps)
    throw std::invalid_argument("frame metric: the mask must have one entry per step");
  int64_t counted = 0;
  for (int64_t t = 0; t < steps; ++t) {
    if (!mask.empty() && !mask[t]) continue;
    ++counted;
    for (int64_t k = 0; k < keys; ++k) f(values[t * keys + k], targets[t * keys + k] != 0);
  }
  return counted;
}

}  // namespace

double frame_nll(std::span<const float> p, std::span<const uint8_t> y, int64_t keys, std::span<const uint8_t> mask) {
  double total = 0;
  const int64_t steps = for_each_cell(p, y, keys, mask, [&](float prob, bool on) {
    const double q = std::clamp(static_cast<double>(prob), 1e-7, 1.0 - 1e-7);
    total -= on ? std::log(q) : std::log1p(-q);
  });
  return steps ? total / static_cast<double>(steps) : 0.0;
}

double frame_nll_from_logits(std::span<const float> z, std::span<const uint8_t> y, int64_t keys,
                             std::span<const uint8_t> mask) {
  double total = 0;
  const int64_t steps = for_each_cell(z, y, keys, mask, [&](float logit, bool on) {
    const double x = logit;
    const double softplus = x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
    total += softplus - (on ? x : 0.0);
  });
  return steps ? total / static_cast<double>(steps) : 0.0;
}

double frame_accuracy(std::span<const float> p, std::span<const uint8_t> y, int64_t keys, double threshold,
                      std::span<const uint8_t> mask) {
  int64_t tp = 0, fp = 0, fn = 0;
  for_each_cell(p, y, keys, mask, [&](float prob, bool on) {
    const bool predicted = prob >= threshold;
    tp += predicted && on;
    fp += predicted && !on;
    fn += !predicted && on;
  });
  const int64_t denominator = tp + fp + fn;
  return denominator ? static_cast<double>(tp) / static_cast<double>(denominator) : 1.0;
}

}  // namespace cadenza::music::metrics
