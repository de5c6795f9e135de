#pragma once
// Learning-rate schedules: the rate for optimizer step k (0-based), set with
// opt.set_lr(schedule(k)) before opt.step(). Each equals the PyTorch scheduler named beside
// it after k calls of scheduler.step().
#include <cstdint>
#include <functional>

namespace cadenza::optim {

using Schedule = std::function<double(int64_t step)>;

Schedule constant_lr(double lr);
// lr · min(1, (k + 1) / warmup_steps)  (LambdaLR)
Schedule linear_warmup(double lr, int64_t warmup_steps);
// min_lr + (lr − min_lr)(1 + cos(π k / total_steps)) / 2, held at min_lr after total_steps
// (CosineAnnealingLR with T_max = total_steps, eta_min = min_lr)
Schedule cosine_decay(double lr, int64_t total_steps, double min_lr = 0);
// lr · gammaᵏ  (ExponentialLR)
Schedule exponential_decay(double lr, double gamma);
// lr · min((k + 1) / warmup, sqrt(warmup / (k + 1))): linear warm-up to lr, then decay as
// 1/sqrt(step) (the Transformer schedule, normalised to peak at lr; LambdaLR)
Schedule inverse_sqrt(double lr, int64_t warmup_steps);

}  // namespace cadenza::optim
