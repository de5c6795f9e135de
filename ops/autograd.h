#pragma once
// Running the tape backwards. backward() adds gradients into the .grad of leaves;
// grad() returns the gradients of chosen inputs and touches no .grad. With
// create_graph the backward pass is itself recorded, so its results can be
// differentiated again (e.g. the WGAN-GP gradient penalty).
#include <functional>
#include <vector>

#include "engine/autograd.h"
#include "engine/tensor.h"

namespace cadenza {

// `grad_output` may be omitted for a one-element `root` (it is then 1).
void backward(const Tensor& root, const Tensor& grad_output = {}, bool retain_graph = false, bool create_graph = false);

struct GradOptions {
  bool retain_graph = false;  // also forced on by create_graph
  bool create_graph = false;
  bool allow_unused = false;  // an input the outputs do not depend on gets an undefined tensor
};

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs = {}, GradOptions opts = {});

// While a GradReadyScope lives, backward() on this thread calls `hook(leaf)` as soon as a
// leaf's .grad is final for this pass (every contribution has been added), once per leaf
// and before the rest of the pass runs. Data-parallel training uses it to start sending a
// bucket of gradients while backward is still computing the others (dist/
// grad_sync.h), like PyTorch's post-accumulate-grad hooks. grad() runs no hooks.
class GradReadyScope {
 public:
  explicit GradReadyScope(std::function<void(const Tensor& leaf)> hook);
  ~GradReadyScope();
  GradReadyScope(const GradReadyScope&) = delete;
  GradReadyScope& operator=(const GradReadyScope&) = delete;

 private:
  std::function<void(const Tensor&)> hook_;
  const std::function<void(const Tensor&)>* prev_;
};

}  // namespace cadenza
