#pragma once
// Running the tape backwards. backward() adds gradients into the .grad of leaves;
// grad() returns the gradients of chosen inputs and touches no .grad. With
// create_graph the backward pass is itself recorded, so its results can be
// differentiated again (e.g. the WGAN-GP gradient penalty).
#include <vector>

#include "engine/autograd.h"
#include "engine/tensor.h"

namespace cadenza {

// `grad_output` may be omitted for a one-element `root` (it is then 1).
void backward(const Tensor& root, const Tensor& grad_output = {}, bool retain_graph = false,
              bool create_graph = false);

struct GradOptions {
  bool retain_graph = false;  // also forced on by create_graph
  bool create_graph = false;
  bool allow_unused = false;  // an input the outputs do not depend on gets an undefined tensor
};

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs = {}, GradOptions opts = {});

}  // namespace cadenza
