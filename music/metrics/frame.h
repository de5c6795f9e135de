// Frame-level scores of a predicted piano roll against a binary target, for the JSON
// piano-roll corpora (88 keys). Both inputs row-major [steps x keys].
#pragma once

#include <cstdint>
#include <span>

namespace cadenza::music::metrics {

// Bernoulli negative log-likelihood in nats per time step (Boulanger-Lewandowski,
// Bengio & Vincent, ICML 2012, the convention of every published JSB / Nottingham /
// MuseData / Piano-midi.de NLL): mean over steps of
//   -sum_k [ y_k log p_k + (1 - y_k) log(1 - p_k) ],
// with p clamped to [1e-7, 1 - 1e-7]. Steps whose mask is 0 are left out (mask may be
// empty: all steps count).
double frame_nll(std::span<const float> probabilities, std::span<const uint8_t> targets, int64_t keys,
                 std::span<const uint8_t> step_mask = {});

// The same from logits z (p = sigmoid z), computed stably: softplus(z) - y z per key.
double frame_nll_from_logits(std::span<const float> logits, std::span<const uint8_t> targets, int64_t keys,
                             std::span<const uint8_t> step_mask = {});

// Frame-level accuracy (Bay, Ehmann & Downie, ISMIR 2009; the "ACC" of Boulanger-
// Lewandowski 2012): TP / (TP + FP + FN) over all steps and keys, a key predicted on
// when p >= threshold. In [0, 1]; 1 when there is nothing to predict and nothing
// predicted.
double frame_accuracy(std::span<const float> probabilities, std::span<const uint8_t> targets, int64_t keys,
                      double threshold = 0.5, std::span<const uint8_t> step_mask = {});

}  // namespace cadenza::music::metrics
