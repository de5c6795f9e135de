#pragma once
// Carrying a recurrent state across consecutive evaluation windows (models/model.h's
// EvalSession): what the recurrent families share.
#include <functional>
#include <memory>

#include "engine/tensor.h"
#include "models/model.h"

namespace cadenza::models {

// The state for the next window from one recurrent state tensor of the previous window,
// whose axis `axis` runs over that batch's rows: row b is the previous row carry[b]
// (Batch.carry), or zeros — the initial state of every recurrent family here — where
// carry[b] is -1. Undefined `state` or `carry`, or no row carried, give undefined (zeros).
Tensor carried_rows(const Tensor& state, const Tensor& carry, int64_t axis);

// The session of a recurrent model with state `State`: before each window, `carry` turns
// the previous window's state into this one's (by carried_rows on each of its tensors),
// then `loss` scores the window from that state and leaves the state after it.
template <class State>
class CarriedSession final : public EvalSession {
 public:
  using Carry = std::function<State(const State& previous, const Tensor& carry)>;
  using Loss = std::function<LossResult(const Batch& batch, State& state)>;
  CarriedSession(Carry carry, Loss loss) : carry_(std::move(carry)), loss_(std::move(loss)) {}

  LossResult loss(const Batch& batch) override {
    state_ = carry_(state_, batch.carry);
    return loss_(batch, state_);
  }
  bool carries_state() const override { return true; }

 private:
  Carry carry_;
  Loss loss_;
  State state_{};
};

}  // namespace cadenza::models
