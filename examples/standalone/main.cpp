// Uses the installed package: fits y = 3x - 1 with Adam, prints what the engine registered
// and, with a Vulkan device, runs a kernel whose shader this project compiled itself.
#include <cmath>
#include <cstdio>

#include "affine.h"
#include "engine/op_registry.h"
#include "nn/linear.h"
#include "ops/ops.h"
#include "optim/adam.h"
#ifdef STANDALONE_HAVE_VULKAN
#include "engine/vulkan/runtime.h"
#endif

using namespace cadenza;

// The project's own kernel on the device against its CPU function; true when they agree
// (or there is no device to run on).
bool own_shader_matches() {
#ifdef STANDALONE_HAVE_VULKAN
  if (!vulkan::available()) {
    std::printf("no Vulkan device (%s): own shader not run\n", vulkan::reason().c_str());
    return true;
  }
  Tensor x = Tensor::from_vector<float>({-1.5f, 0, 2, 7, 1e3f, -4}, {2, 3});
  std::vector<float> want = affine(x, 0.5, -2).to_vector<float>();
  std::vector<float> got = affine(to(transpose(x, 0, 1), Device::vulkan()), 0.5, -2).to_vector<float>();
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      if (std::abs(got[j * 2 + i] - want[i * 3 + j]) > 1e-5f * (1 + std::abs(want[i * 3 + j]))) return false;
  std::printf("own shader on %s matches the cpu\n", vulkan::device_name().c_str());
#endif
  return true;
}

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
  const bool shader_ok = own_shader_matches();
  return loss_value < 1e-3 && shader_ok ? 0 : 1;
}
