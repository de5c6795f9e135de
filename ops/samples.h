#pragma once
// Deterministic inputs for the op registry's samples (and for tests): each call draws from
// its own fixed-seed stream so samples never depend on what ran before.
#include "engine/tensor.h"

namespace cadenza::testing {

// Uniform in [lo, hi), from a seed derived from a running counter that restarts per sample set.
Tensor uniform_input(const Shape& shape, DType dtype, double lo = -1, double hi = 1);
// Integers in [0, n) as i64.
Tensor index_input(const Shape& shape, int64_t n);

}  // namespace cadenza::testing
