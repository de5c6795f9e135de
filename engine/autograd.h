#pragma once
// The autograd tape's data structures. Each differentiable op that runs while grad mode is
// on and one of its inputs requires grad records a Node: its backward function, edges to
// the nodes of its inputs, and the tensors it saved. Backward functions are written with
// ops, so running them with grad mode on records a graph of the gradient itself
// (create_graph), which is what higher-order derivatives need.
// The graph walk (backward(), grad()) lives in ops/autograd.h, since adding up gradients
// is an op.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace cadenza {

struct Edge {
  std::shared_ptr<Node> node;  // null: no gradient flows to this input
  uint32_t input_nr = 0;       // which output of `node` this edge feeds
  bool valid() const { return node != nullptr; }
};

struct TensorMeta {
  Shape shape;
  DType dtype;
  Device device;
};

class Node : public std::enable_shared_from_this<Node> {
 public:
  virtual ~Node() = default;
  virtual std::string name() const = 0;
  // One gradient per output of the op (already zero-filled where none flowed in); returns
  // one gradient per input (undefined where the input needs none).
  virtual std::vector<Tensor> apply(const std::vector<Tensor>& grad_outputs) = 0;
  // Frees saved tensors once backward has run without retain_graph.
  virtual void release() {}

  std::vector<Edge> next_edges;     // one per input of the op
  std::vector<TensorMeta> outputs;  // shape/dtype/device of each output
  uint64_t sequence_nr = 0;         // creation order; later nodes run first
  // Set by ops whose first input's gradient is zero outside one slab along `axis` starting
  // at `start` (narrow, hence select). With grad mode off their backward may return just the
  // slab, and the walk adds it into the input's gradient buffer in place: a loop that
  // selects T steps of one tensor then costs O(T) slabs instead of T full-size padded
  // gradients summed (O(T²)). With grad mode on (create_graph) they pad, so the gradient
  // stays differentiable.
  struct Slab {
    int64_t axis = -1, start = 0;  // axis < 0: none
  };
  Slab input_slab;
};

// Thread-local switch: when off, ops record nothing.
class GradMode {
 public:
  static bool enabled();
  static void set_enabled(bool on);
};

// Sets grad mode for a scope and restores the previous mode on exit.
class GradModeGuard {
 public:
  explicit GradModeGuard(bool on) : prev_(GradMode::enabled()) { GradMode::set_enabled(on); }
  ~GradModeGuard() { GradMode::set_enabled(prev_); }
  GradModeGuard(const GradModeGuard&) = delete;
  GradModeGuard& operator=(const GradModeGuard&) = delete;

 private:
  bool prev_;
};

// Inference scope: ops record nothing.
class NoGradGuard : public GradModeGuard {
 public:
  NoGradGuard() : GradModeGuard(false) {}
};

// A tensor kept for backward. Remembers the storage version at save time and refuses to
// unpack if the data was modified in place since. An op's own output is kept without a
// strong reference to its node (that would be a cycle); unpack restores the link.
class SavedTensor {
 public:
  SavedTensor() = default;
  SavedTensor(const Tensor& t, bool is_output);
  Tensor unpack(const std::shared_ptr<Node>& owner, const std::string& op) const;
  void reset() {
    data_ = Tensor();
    released_ = true;
  }

 private:
  Tensor data_;
  uint64_t version_ = 0;
  bool is_output_ = false;
  bool released_ = false;
  bool defined_ = false;
  uint32_t output_nr_ = 0;
};

// The usual node: a backward lambda over saved tensors.
using BackwardFn =
    std::function<std::vector<Tensor>(const std::vector<Tensor>& grads, const std::vector<Tensor>& saved)>;

class FunctionNode final : public Node {
 public:
  FunctionNode(std::string name, BackwardFn fn) : name_(std::move(name)), fn_(std::move(fn)) {}
  std::string name() const override { return name_; }
  std::vector<Tensor> apply(const std::vector<Tensor>& grad_outputs) override;
  void release() override;
  std::vector<SavedTensor> saved;

 private:
  std::string name_;
  BackwardFn fn_;
  bool released_ = false;
};

// True when grad mode is on and some input requires grad: the op must record.
bool needs_grad(std::initializer_list<const Tensor*> inputs);
bool needs_grad(const std::vector<Tensor>& inputs);

// The edge a gradient for `t` should flow into: its grad_fn, or the accumulator of a leaf
// that requires grad (made on first use by the ops layer's factory), or none.
Edge gradient_edge(const Tensor& t);
using AccumulatorFactory = std::shared_ptr<Node> (*)(const Tensor& leaf);
void set_accumulator_factory(AccumulatorFactory f);

// Records `name` as the op that produced `outputs` from `inputs`, when needed. `save`
// lists tensors (inputs or outputs) the backward function gets, in order. Outputs become
// non-leaf tensors requiring grad. Returns the node, or null if nothing was recorded.
std::shared_ptr<FunctionNode> record(const std::string& name, const std::vector<Tensor>& inputs,
                                     const std::vector<Tensor>& outputs, const std::vector<Tensor>& save,
                                     BackwardFn fn);

}  // namespace cadenza
