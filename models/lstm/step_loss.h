#pragma once
// From a per-step NLL [B, T] and the batch mask to the LossResult fields every family
// fills the same way: mean over counted steps (differentiable), the sum and the count.
#include "engine/tensor.h"
#include "models/model.h"

namespace cadenza::models {

// mask f32 [B, T] (undefined: every step counts). Throws when no step counts.
LossResult masked_step_loss(const Tensor& step_nll, const Tensor& mask, const std::string& model);

}  // namespace cadenza::models
