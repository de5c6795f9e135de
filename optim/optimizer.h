#pragma once
// Optimizer: the shared part of SGD/Adam/AdamW — the parameter list, the learning rate
// (set by a schedule between steps), the step counter and per-parameter state tensors that
// a checkpoint can export and import. Updates run under NoGradGuard and write the
// parameters in place, so the layers' tensor handles stay valid.
#include <map>
#include <string>
#include <vector>

#include "engine/tensor.h"
#include "nn/module.h"

namespace cadenza::optim {

class Optimizer {
 public:
  Optimizer(std::vector<Tensor> params, double lr);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // One update of every parameter that has a gradient.
  void step();
  void zero_grad();

  double lr() const { return lr_; }
  void set_lr(double lr) { lr_ = lr; }
  int64_t step_count() const { return step_; }
  const std::vector<Tensor>& params() const { return params_; }

  // "step" (i64 scalar) and "<param index>.<state name>" for every state tensor.
  nn::StateDict state_dict() const;
  // Replaces the state; errors name a key that does not fit (unknown parameter index,
  // shape that differs from its parameter's).
  void load_state_dict(const nn::StateDict& state);

 protected:
  // Updates params()[i] given its gradient (contiguous, same dtype), inside NoGradGuard.
  virtual void update(size_t i, const Tensor& param, const Tensor& grad) = 0;
  bool has_state(size_t i, const std::string& name) const;
  // The state tensor `name` of parameter i, created as zeros like the parameter on first use.
  Tensor state(size_t i, const std::string& name);

 private:
  std::vector<Tensor> params_;
  std::vector<std::map<std::string, Tensor>> state_;
  double lr_;
  int64_t step_ = 0;
};

}  // namespace cadenza::optim
