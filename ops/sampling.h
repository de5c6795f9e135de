#pragma once
// Drawing tokens from a model's output (not differentiable). Distributions run along the
// last axis; leading axes are independent rows.
#include <cstdint>

#include "engine/kernel.h"
#include "engine/rng.h"
#include "engine/tensor.h"
#include "ops/op_enums.h"

namespace cadenza {

// weights [rows, V] (contiguous, floating), out i64 [rows, S]: sample s of row r uses the
// Philox block offset + r * S + s under key seed.
extern Kernel<void(const Tensor& weights, const Tensor& out, uint64_t seed, uint64_t offset)> multinomial_kernel;

CADENZA_OP_ENUM(LogitFilter, CADENZA_LOGIT_FILTERS)  // top_k, top_p (ops/op_enums.h)
// logits [rows, V] (contiguous) -> out of the same shape with the removed entries at -inf;
// `param` is k (top_k) or p (top_p).
extern Kernel<void(LogitFilter, const Tensor& logits, const Tensor& out, double param)> logit_filter_kernel;

// Indices drawn with replacement from the categorical distributions in probs [..., V]
// (non-negative weights, not necessarily normalised, each row with a positive sum):
// i64 [..., num_samples].
Tensor multinomial(const Tensor& probs, int64_t num_samples = 1, Generator* gen = nullptr);

// Keeps the k largest logits of each row (ties go to the lower index, so exactly
// min(k, V) survive) and sets the rest to -inf. k >= 1.
Tensor top_k_filter(const Tensor& logits, int64_t k);
// Nucleus filter: keeps the smallest set of most probable tokens whose softmax mass is at
// least p (always at least one token), sets the rest to -inf. p in (0, 1].
Tensor top_p_filter(const Tensor& logits, double p);

// Token ids i64 [...] from logits [..., V]: divide by temperature (> 0), then top-k
// (top_k = 0: off), then top-p (top_p = 1: off), then draw from the softmax.
Tensor sample_logits(const Tensor& logits, double temperature = 1.0, int64_t top_k = 0, double top_p = 1.0,
                     Generator* gen = nullptr);

}  // namespace cadenza
