#pragma once
// From a per-step NLL [B, T] and the batch mask to the LossResult fields every family
// fills the same way: mean over counted steps (differentiable), the sum and the count;
// and the accuracy numerator of piano-roll frames.
#include "engine/tensor.h"
#include "models/model.h"

namespace cadenza::models {

// mask f32 [B, T] (undefined: every step counts). Throws when no step counts.
LossResult masked_step_loss(const Tensor& step_nll, const Tensor& mask, const std::string& model);

// The frame-accuracy numerator of roll models (LossResult.correct): sum over frames with
// mask > 0 of TP / (TP + FP + FN), predictions logits > 0. logits, targets [B, T, K],
// mask [B, T]; a frame with nothing predicted and nothing sounding counts 1.
double frame_accuracy_sum(const Tensor& logits, const Tensor& targets, const Tensor& mask);

}  // namespace cadenza::models
