#include "models/early_stopping.h"

namespace cadenza::models {

void EarlyStopping::replay(const std::vector<CurvePoint>& valid_curve) {
  for (const CurvePoint& p : valid_curve) record(static_cast<int64_t>(p.step), p.value);
}

bool EarlyStopping::record(int64_t step, double nll) {
  if (std::isfinite(nll) && nll < best_) {
    best_ = nll;
    best_step_ = step;
    since_best_ = 0;
    return true;
  }
  ++since_best_;
  return false;
}

}  // namespace cadenza::models
