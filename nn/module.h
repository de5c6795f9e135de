#pragma once
// Module: the base of every layer. It owns named parameters (leaf tensors that require
// grad), buffers (state that is saved but not trained, e.g. BatchNorm's running stats) and
// child modules, and walks them in registration order under dotted names
// ("layers.0.weight"), as PyTorch does, so state dicts line up name for name.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/tensor.h"

namespace cadenza::nn {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
// Name -> tensor, sorted by name (what checkpoints store).
using StateDict = std::map<std::string, Tensor>;

class Module {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  NamedTensors named_parameters() const;  // recursive, registration order
  std::vector<Tensor> parameters() const;
  NamedTensors named_buffers() const;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> named_children() const { return children_; }

  // Training mode switches Dropout on and makes BatchNorm use batch statistics. Recursive.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  // Parameters and buffers by dotted name; the tensors are the module's own (not copies).
  StateDict state_dict() const;
  // Copies every entry into the matching tensor in place (so the layers' handles stay
  // valid). `strict` requires the key sets to match exactly. Errors name every missing and
  // unexpected key, and the two shapes (or dtypes) of a mismatch.
  void load_state_dict(const StateDict& state, bool strict = true);

  void zero_grad();
  int64_t num_parameters() const;

  // Moves every parameter and buffer to `device` in place, recursively. Each registered
  // tensor keeps its TensorImpl (so the handles the layers, optimizers and callers hold stay
  // valid); only its storage is swapped for a dense copy on the device. Gradients are
  // dropped. Build optimizers after the move, or load their state afterwards (Optimizer
  // creates and loads state on each parameter's device).
  void to(Device device);
  // Where the parameters live (the CPU for a module without any).
  Device device() const;

 protected:
  // The returned tensor is the registered one: keep it as the layer's member.
  Tensor register_parameter(const std::string& name, Tensor t);
  Tensor register_buffer(const std::string& name, Tensor t);
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> m) {
    add_child(name, m);
    return m;
  }

 private:
  void add_child(const std::string& name, std::shared_ptr<Module> m);
  void check_new_name(const std::string& name) const;
  void collect(const std::string& prefix, bool params, NamedTensors& out) const;

  NamedTensors params_;
  NamedTensors buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

// Evaluation mode (no dropout, BatchNorm on running statistics) for a scope, restoring
// the previous mode after: what sampling and validation wrap themselves in.
class EvalScope {
 public:
  explicit EvalScope(Module& m) : m_(m), was_training_(m.is_training()) { m_.eval(); }
  ~EvalScope() { m_.train(was_training_); }
  EvalScope(const EvalScope&) = delete;
  EvalScope& operator=(const EvalScope&) = delete;

 private:
  Module& m_;
  bool was_training_;
};

}  // namespace cadenza::nn
