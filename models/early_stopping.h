#pragma once
// Early stopping on the validation NLL (TrainOptions::patience): the best validation so
// far, at which step, and how many validations have passed since without beating it
// (strictly lower is better). The trainer keeps DIR/best.safetensors at the best step, so
// a run that trains past its best — the NADE run in docs/RESULTS.md overfits after step
// 400 — still has that model; with patience P it stops after P validations without a new
// best.
#include <cmath>
#include <cstdint>
#include <vector>

#include "models/loss_plot.h"

namespace cadenza::models {

class EarlyStopping {
 public:
  explicit EarlyStopping(int64_t patience) : patience_(patience) {}
  // The validations a resumed run has already logged (metrics.csv), in order.
  void replay(const std::vector<CurvePoint>& valid_curve);
  // One validation; true when it is a new best. Non-finite values never are.
  bool record(int64_t step, double nll);
  bool should_stop() const { return patience_ > 0 && since_best_ >= patience_; }
  bool has_best() const { return best_step_ >= 0; }
  int64_t best_step() const { return best_step_; }
  double best() const { return best_; }
  int64_t patience() const { return patience_; }

 private:
  int64_t patience_;
  int64_t best_step_ = -1;
  double best_ = INFINITY;
  int64_t since_best_ = 0;
};

}  // namespace cadenza::models
