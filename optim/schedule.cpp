#include "optim/schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "engine/error.h"

namespace cadenza::optim {

Schedule constant_lr(double lr) {
  return [lr](int64_t) { return lr; };
}

Schedule linear_warmup(double lr, int64_t warmup_steps) {
  CADENZA_CHECK(warmup_steps > 0, "linear_warmup: warmup_steps must be positive, got {}", warmup_steps);
  return [=](int64_t k) { return lr * std::min(1.0, double(k + 1) / double(warmup_steps)); };
}

Schedule cosine_decay(double lr, int64_t total_steps, double min_lr) {
  CADENZA_CHECK(total_steps > 0, "cosine_decay: total_steps must be positive, got {}", total_steps);
  return [=](int64_t k) {
    double t = double(std::min(k, total_steps)) / double(total_steps);
    return min_lr + (lr - min_lr) * (1 + std::cos(std::numbers::pi * t)) / 2;
  };
}

Schedule exponential_decay(double lr, double gamma) {
  return [=](int64_t k) { return lr * std::pow(gamma, double(k)); };
}

Schedule inverse_sqrt(double lr, int64_t warmup_steps) {
  CADENZA_CHECK(warmup_steps > 0, "inverse_sqrt: warmup_steps must be positive, got {}", warmup_steps);
  return [=](int64_t k) {
    double s = double(k + 1), w = double(warmup_steps);
    return lr * std::min(s / w, std::sqrt(w / s));
  };
}

}  // namespace cadenza::optim
