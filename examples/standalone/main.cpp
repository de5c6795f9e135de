// Uses the installed package: fits y = 3x - 1 with Adam, and prints what the engine registered.
#include <cstdio>

#include "engine/nn/linear.h"
#include "engine/op_registry.h"
#include "engine/optim/adam.h"
#include "ops/ops.h"

using namespace cadenza;

int main() {
  auto model = std::make_shared<nn::Linear>(1, 1);
  optim::Adam opt(model->parameters(), {.lr = 0.1});
  Tensor x = Tensor::from_vector<float>({-1, 0, 1, 2}, {4, 1});
  Tensor y = Tensor::from_vector<float>({-4, -1, 2, 5}, {4, 1});
  float loss_value = 0;
  for (int step = 0; step < 300; ++step) {
    opt.zero_grad();
    Tensor loss = mean(square(sub(model->forward(x), y)));
    backward(loss);
    opt.step();
    loss_value = loss.item<float>();
  }
  std::printf("cadenza package: %zu ops registered; final loss %.6f\n", OpRegistry::all().size(), loss_value);
  return loss_value < 1e-3 ? 0 : 1;
}
