#include "optim/optimizer.h"

#include <charconv>

#include "engine/autograd.h"
#include "engine/error.h"
#include "ops/copy.h"

namespace cadenza::optim {

Optimizer::Optimizer(std::vector<Tensor> params, double lr)
    : params_(std::move(params)), state_(params_.size()), lr_(lr) {
  for (size_t i = 0; i < params_.size(); ++i)
    CADENZA_CHECK(params_[i].defined() && params_[i].is_leaf() && params_[i].requires_grad(),
                  "optimizer: parameter {} is not a leaf tensor that requires grad", i);
}

void Optimizer::step() {
  NoGradGuard no_grad;
  ++step_;
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor g = params_[i].grad();
    if (!g.defined()) continue;
    CADENZA_CHECK(params_[i].is_contiguous(), "optimizer: parameter {} ({}) is not contiguous", i,
                  shape_str(params_[i].shape()));
    update(i, params_[i], g.is_contiguous() ? g : contiguous_untracked(g));
    params_[i].bump_version();
  }
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

bool Optimizer::has_state(size_t i, const std::string& name) const { return state_[i].contains(name); }

Tensor Optimizer::state(size_t i, const std::string& name) {
  auto it = state_[i].find(name);
  if (it != state_[i].end()) return it->second;
  const Tensor& p = params_[i];
  return state_[i].emplace(name, Tensor::zeros(p.shape(), p.dtype(), p.device())).first->second;
}

nn::StateDict Optimizer::state_dict() const {
  nn::StateDict out;
  out.emplace("step", Tensor::scalar(static_cast<double>(step_), DType::i64));
  for (size_t i = 0; i < state_.size(); ++i)
    for (const auto& [name, t] : state_[i]) out.emplace(fmt::format("{}.{}", i, name), t);
  return out;
}

void Optimizer::load_state_dict(const nn::StateDict& state) {
  auto step_it = state.find("step");
  CADENZA_CHECK(step_it != state.end(), "optimizer state: missing 'step'");
  std::vector<std::map<std::string, Tensor>> loaded(params_.size());
  for (const auto& [key, t] : state) {
    if (key == "step") continue;
    size_t dot = key.find('.');
    size_t index = 0;
    auto [end, ec] = std::from_chars(key.data(), key.data() + std::min(dot, key.size()), index);
    CADENZA_CHECK(dot != std::string::npos && ec == std::errc() && end == key.data() + dot && index < params_.size(),
                  "optimizer state: unexpected key '{}' ({} parameters)", key, params_.size());
    const Tensor& p = params_[index];
    CADENZA_CHECK(t.shape() == p.shape() && t.dtype() == p.dtype(),
                  "optimizer state: '{}' has shape {} ({}), parameter {} has {} ({})", key, shape_str(t.shape()),
                  dtype_name(t.dtype()), index, shape_str(p.shape()), dtype_name(p.dtype()));
    // A private copy: the optimizer writes its state in place.
    loaded[index].emplace(key.substr(dot + 1), to(contiguous_untracked(t), p.device()));
  }
  state_ = std::move(loaded);
  step_ = step_it->second.item<int64_t>();
}

}  // namespace cadenza::optim
