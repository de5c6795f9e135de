#include "nn/module.h"

#include <set>

#include "engine/autograd.h"
#include "engine/error.h"
#include "ops/copy.h"

namespace cadenza::nn {

void Module::check_new_name(const std::string& name) const {
  CADENZA_CHECK(!name.empty() && name.find('.') == std::string::npos, "Module: invalid name '{}' (non-empty, no dots)",
                name);
  auto taken = [&](const auto& list) {
    for (const auto& [n, _] : list)
      if (n == name) return true;
    return false;
  };
  CADENZA_CHECK(!taken(params_) && !taken(buffers_) && !taken(children_), "Module: name '{}' is already registered",
                name);
}

Tensor Module::register_parameter(const std::string& name, Tensor t) {
  check_new_name(name);
  CADENZA_CHECK(t.defined() && t.is_leaf(), "Module: parameter '{}' must be a defined leaf tensor", name);
  t.set_requires_grad(true);
  params_.emplace_back(name, t);
  return t;
}

Tensor Module::register_buffer(const std::string& name, Tensor t) {
  check_new_name(name);
  CADENZA_CHECK(t.defined(), "Module: buffer '{}' is undefined", name);
  buffers_.emplace_back(name, t);
  return t;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> m) {
  check_new_name(name);
  CADENZA_CHECK(m != nullptr, "Module: child module '{}' is null", name);
  m->train(training_);
  children_.emplace_back(name, std::move(m));
}

void Module::collect(const std::string& prefix, bool params, NamedTensors& out) const {
  for (const auto& [n, t] : params ? params_ : buffers_) out.emplace_back(prefix + n, t);
  for (const auto& [n, c] : children_) c->collect(prefix + n + ".", params, out);
}

NamedTensors Module::named_parameters() const {
  NamedTensors out;
  collect("", true, out);
  return out;
}

NamedTensors Module::named_buffers() const {
  NamedTensors out;
  collect("", false, out);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [_, t] : named_parameters()) out.push_back(t);
  return out;
}

int64_t Module::num_parameters() const {
  int64_t n = 0;
  for (const Tensor& t : parameters()) n += t.numel();
  return n;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [_, c] : children_) c->train(on);
}

StateDict Module::state_dict() const {
  StateDict out;
  for (auto& [n, t] : named_parameters()) out.emplace(n, t);
  for (auto& [n, t] : named_buffers()) out.emplace(n, t);
  return out;
}

void Module::load_state_dict(const StateDict& state, bool strict) {
  StateDict own = state_dict();
  std::vector<std::string> missing, unexpected, mismatched;
  for (const auto& [name, t] : own) {
    auto it = state.find(name);
    if (it == state.end()) {
      missing.push_back(name);
      continue;
    }
    const Tensor& src = it->second;
    if (src.shape() != t.shape())
      mismatched.push_back(fmt::format("'{}': checkpoint has shape {}, model has {}", name, shape_str(src.shape()),
                                       shape_str(t.shape())));
    else if (src.dtype() != t.dtype())
      mismatched.push_back(fmt::format("'{}': checkpoint has dtype {}, model has {}", name, dtype_name(src.dtype()),
                                       dtype_name(t.dtype())));
  }
  for (const auto& [name, _] : state)
    if (!own.contains(name)) unexpected.push_back(name);
  std::string problems;
  auto list = [&](const char* what, const std::vector<std::string>& names) {
    if (!names.empty()) problems += fmt::format("; {}: {}", what, fmt::join(names, ", "));
  };
  if (strict) {
    list("missing keys", missing);
    list("unexpected keys", unexpected);
  }
  list("mismatches", mismatched);
  CADENZA_CHECK(problems.empty(), "load_state_dict{}", problems);
  NoGradGuard no_grad;
  for (const auto& [name, t] : own) {
    auto it = state.find(name);
    if (it != state.end()) copy_(t, cadenza::to(it->second, t.device()));  // checkpoints load on the host
  }
}

void Module::to(Device device) {
  NoGradGuard no_grad;
  auto move = [&](const NamedTensors& tensors) {
    for (const auto& [_, t] : tensors) {
      if (t.device() == device) continue;
      const Tensor moved = cadenza::to(contiguous_untracked(t), device);
      TensorImpl& impl = *t.impl();
      impl.storage = moved.storage();
      impl.strides = moved.strides();
      impl.offset = moved.offset();
      impl.grad.reset();
    }
  };
  move(named_parameters());
  move(named_buffers());
}

Device Module::device() const {
  const NamedTensors p = named_parameters();
  return p.empty() ? Device::cpu() : p.front().second.device();
}

void Module::zero_grad() {
  for (Tensor& t : parameters()) t.zero_grad();
}

}  // namespace cadenza::nn
