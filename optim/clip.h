#pragma once
// Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_: the 2-norm of all
// gradients taken together; if it exceeds max_norm every gradient is scaled by
// max_norm / (norm + 1e-6). Returns the norm before clipping.
#include <vector>

#include "engine/tensor.h"

namespace cadenza::optim {

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm);

}  // namespace cadenza::optim
