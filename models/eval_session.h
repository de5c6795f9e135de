#pragma once
// Carrying a recurrent state across consecutive evaluation windows (models/model.h's
// EvalSession): the helper the recurrent families share.
#include "engine/tensor.h"

namespace cadenza::models {

// The state for the next window from one recurrent state tensor of the previous window,
// whose axis `axis` runs over that batch's rows: row b is the previous row carry[b]
// (Batch.carry), or zeros — the initial state of every recurrent family here — where
// carry[b] is -1. Undefined `state` or `carry`, or no row carried, give undefined (zeros).
Tensor carried_rows(const Tensor& state, const Tensor& carry, int64_t axis);

}  // namespace cadenza::models
