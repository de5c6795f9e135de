#pragma once
// Checks every model family's tests share: overfitting a fixed batch with Adam, and a
// state-dict round trip through the safetensors bytes giving identical logits.
#include <catch2/catch.hpp>

#include "engine/serialize/safetensors.h"
#include "models/registry.h"
#include "ops/ops.h"
#include "optim/adam.h"

namespace cadenza::models::testing {

// Runs `steps` Adam steps on one batch; returns the last loss.
inline double overfit(Model& model, const Batch& batch, int steps, double lr) {
  optim::Adam opt(model.parameters(), {.lr = lr});
  double last = 0;
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    LossResult r = model.loss(batch);
    backward(r.loss);
    opt.step();
    last = r.loss.item<double>();
  }
  return last;
}

// Saves `model`'s state to safetensors bytes, loads them into a fresh model built from
// the same config (other random init), and checks the logits agree exactly.
inline void check_reload_same_logits(Model& model, const Batch& batch) {
  std::string bytes = serialize::to_safetensors(model.state_dict());
  manual_seed(12345);  // the fresh model starts from other weights
  std::shared_ptr<Model> fresh = find_model(model.name()).make(model.config());
  model.eval();
  fresh->eval();
  NoGradGuard ng;
  auto before = fresh->forward(batch).to_vector<float>();
  auto file = serialize::from_safetensors(bytes, "state");
  fresh->load_state_dict(nn::StateDict(file.tensors.begin(), file.tensors.end()));
  auto expected = model.forward(batch).to_vector<float>();
  auto got = fresh->forward(batch).to_vector<float>();
  CHECK(before != expected);
  CHECK(got == expected);
}

inline void check_all_close(const std::vector<float>& a, const std::vector<float>& b, double tol) {
  REQUIRE(a.size() == b.size());
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, double(std::abs(a[i] - b[i])));
  CHECK(worst <= tol);
}

}  // namespace cadenza::models::testing
