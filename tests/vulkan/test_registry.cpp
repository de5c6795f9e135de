// Walks the op registry: every op's f32 samples run on Vulkan and on the CPU, forward and
// backward, and must agree within atol 1e-4 + rtol 1e-3 (f32 compositions of kernels that
// each differ by a few ulp; softmax/normalisations amplify that). Every kernel must have a
// Vulkan implementation: a missing one fails, naming it, as does any error or mismatch.
#include "engine/kernel.h"
#include "engine/op_registry.h"
#include "ops/samples.h"
#include "vulkan_test_util.h"

using namespace cadenza;
using namespace cadenza::vktest;

namespace {

// Runs sample s on `device`: outputs, then gradients of sum(out_k * w_k) w.r.t. the
// differentiable inputs (w fixed random weights, same on both devices).
// `weights` is filled on the first (CPU) run and reused, so both devices see the same.
std::vector<Tensor> run_sample(const OpSample& s, Device device, bool differentiable, std::vector<Tensor>& weights) {
  std::vector<Tensor> in, wrt;
  for (size_t i = 0; i < s.inputs.size(); ++i) {
    Tensor x = to(s.inputs[i], device).detach();
    bool diff = differentiable && is_floating(x.dtype()) && (s.differentiable.empty() || s.differentiable[i]);
    if (diff) {
      x.set_requires_grad(true);
      wrt.push_back(x);
    }
    in.push_back(x);
  }
  std::vector<Tensor> out = s.run(in), result;
  std::vector<Tensor> roots, w;
  const bool first = weights.empty();
  for (size_t k = 0; k < out.size(); ++k) {
    result.push_back(out[k]);
    if (!out[k].requires_grad()) continue;
    if (first) weights.push_back(cadenza::testing::uniform_input(out[k].shape(), out[k].dtype()));
    w.push_back(to(weights[roots.size()], out[k].device()));
    roots.push_back(out[k]);
  }
  if (!roots.empty() && !wrt.empty()) {
    GradOptions o;
    o.allow_unused = true;
    for (const Tensor& g : grad(roots, wrt, w, o)) result.push_back(g);
  }
  return result;
}

}  // namespace

TEST_CASE("vulkan: every kernel has a vulkan implementation", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  // A fused kernel may leave the device's slot empty (its op composes other kernels there),
  // but one that fills no slot at all is dead.
  std::string missing, fused_on_device, fused_unfilled;
  for (const KernelSlots& k : kernel_registry()) {
    const bool on_device = *k.vulkan != nullptr;
    if (!k.fused && !on_device) missing += std::string(" ") + k.name;
    if (k.fused && on_device) fused_on_device += std::string(" ") + k.name;
    if (k.fused && !on_device && *k.cpu == nullptr) fused_unfilled += std::string(" ") + k.name;
  }
  INFO("kernels without a Vulkan implementation:" << missing);
  INFO("fused kernels with no slot filled:" << fused_unfilled);
  CHECK(missing.empty());
  CHECK(fused_unfilled.empty());
  // The device's fused attention is registered by the backend (ops/vulkan/attention.cpp).
  CHECK(fused_on_device.find(" fused_attention") != std::string::npos);
  // The walk sees the optimizers' kernels too (the backend links them).
  CHECK(kernel_registry().size() >= 22);
  WARN(kernel_registry().size() << " kernels in the registry"
                                << (missing.empty() ? ", every one with a Vulkan implementation" : ""));
}

TEST_CASE("vulkan: every registered op's f32 samples match the cpu", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  int compared = 0;
  for (const OpInfo& op : OpRegistry::all()) {
    if (!op.samples) continue;
    for (const OpSample& s : op.samples(DType::f32)) {
      INFO("op " << op.name << ", sample " << s.label);
      std::vector<Tensor> weights;
      std::vector<Tensor> want = run_sample(s, Device::cpu(), op.differentiable, weights);
      std::vector<Tensor> got;
      try {
        got = run_sample(s, Device::vulkan(), op.differentiable, weights);
      } catch (const Error& e) {
        FAIL_CHECK("vulkan run threw: " << e.what());
        continue;
      }
      REQUIRE(got.size() == want.size());
      for (size_t k = 0; k < got.size(); ++k) {
        INFO("result " << k << " (outputs first, then gradients)");
        // The CPU side of `to` returns its input, and grad() of a leaf with respect to
        // itself is undefined in the engine (PyTorch returns grad_output): nothing to compare.
        if (!want[k].defined()) continue;
        CHECK(scaled_error(got[k], want[k], 1e-4, 1e-3) <= 1);
        log_error("op " + op.name, got[k], want[k]);
      }
      ++compared;
    }
  }
  CHECK(compared > 20);
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: zero validation messages", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  CHECK(vulkan::validation_enabled());  // the test util turns it on unless told not to
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
  std::string report;
  for (const auto& [k, e] : error_log()) report += fmt::format("\n  {:<28} {:.3g}", k, e);
  WARN("largest |vulkan - cpu| / max(1, |cpu|) per kernel/op in this run:" << report);
}
