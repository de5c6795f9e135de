#pragma once
// Puts a module in evaluation mode (no dropout) for a scope, restoring the flag after.
#include "engine/nn/module.h"

namespace cadenza::models {

class EvalScope {
 public:
  explicit EvalScope(nn::Module& m) : m_(m), was_training_(m.is_training()) { m_.eval(); }
  ~EvalScope() { m_.train(was_training_); }
  EvalScope(const EvalScope&) = delete;
  EvalScope& operator=(const EvalScope&) = delete;

 private:
  nn::Module& m_;
  bool was_training_;
};

}  // namespace cadenza::models
