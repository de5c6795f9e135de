#pragma once
// Checks an op's analytic derivatives against central finite differences, in f64:
// gradcheck compares the first derivative (a vector-Jacobian product with random output
// weights), gradgradcheck the second (the derivative of <grad, v> for a random v, through
// backward with create_graph). Every registered op runs through both in the test suite.
#include <functional>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace cadenza {

using TensorFn = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;

struct GradcheckOptions {
  double eps = 1e-6;
  // In f64 with eps = 1e-6 a central difference is accurate to about 1e-9, so these
  // bounds catch a backward that is off by more than 1e-5 relative.
  double atol = 1e-7;
  double rtol = 1e-5;
  std::vector<bool> differentiable;  // default: every floating input
  bool noncontiguous = false;        // feed the op strided views instead of dense inputs
};

struct GradcheckResult {
  bool ok = true;
  std::string message;  // on failure: input, element, analytic vs numeric
};

GradcheckResult gradcheck(const TensorFn& fn, const std::vector<Tensor>& inputs, GradcheckOptions opts = {});
GradcheckResult gradgradcheck(const TensorFn& fn, const std::vector<Tensor>& inputs, GradcheckOptions opts = {});

}  // namespace cadenza
