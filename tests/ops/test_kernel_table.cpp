// The kernel table: every kernel reaches the CPU, fused slots run only the calls their
// supports() predicate accepts, and the op enums' lists give names and counts.
#include <catch2/catch.hpp>
#include <string>

#include "engine/kernel.h"
#include "ops/ops.h"

using namespace cadenza;

namespace {
// Doubles a tensor when it has more than `limit` elements.
bool big_enough(const Tensor& x, int64_t limit) { return x.numel() > limit; }
Tensor doubled(const Tensor& x, int64_t) { return mul(x, 2.0); }
FusedKernel<Tensor(const Tensor&, int64_t)> doubling_kernel("test_doubling", {&big_enough, &doubled});
}  // namespace

TEST_CASE("every kernel has a CPU implementation and every fused kernel a slot", "[kernel]") {
  std::string missing, fused_on_cpu;
  for (const KernelSlots& k : kernel_registry()) {
    if (*k.cpu == nullptr && (!k.fused || *k.vulkan == nullptr)) missing += std::string(" ") + k.name;
    if (k.fused && *k.cpu != nullptr) fused_on_cpu += std::string(" ") + k.name + " ";
  }
  INFO("kernels the CPU cannot run:" << missing);
  CHECK(missing.empty());
  INFO("fused kernels with a CPU slot:" << fused_on_cpu);
  for (const char* name : {" lstm_layer ", " lstm_layer_bf16 ", " fused_attention "})
    CHECK(fused_on_cpu.find(name) != std::string::npos);
}

TEST_CASE("a fused kernel runs only what its slot supports, else the caller composes", "[kernel]") {
  Tensor x = Tensor::from_vector<float>({1, 2, 3}, {3});
  std::optional<Tensor> ran = doubling_kernel(Device::cpu(), x, 2);
  REQUIRE(ran.has_value());
  CHECK(ran->to_vector<float>() == std::vector<float>{2, 4, 6});
  CHECK_FALSE(doubling_kernel(Device::cpu(), x, 3).has_value());
  // No Vulkan slot: nothing runs, whatever the arguments.
  CHECK_FALSE(doubling_kernel(Device::vulkan(), x, 0).has_value());
  CHECK_FALSE(doubling_kernel.has(Device::Kind::vulkan));
  // A slot is a predicate and an implementation together.
  FusedKernel<Tensor(const Tensor&, int64_t)>::Slot half{nullptr, &doubled};
  CHECK_THROWS_WITH(doubling_kernel.set_vulkan(half), Catch::Matchers::Contains("test_doubling"));
}

TEST_CASE("the op enums' lists give each entry its name and the loop bounds", "[kernel]") {
  CHECK(std::string(name_of(UnaryOp::exp)) == "exp");
  CHECK(std::string(name_of(UnaryOp::silu)) == "silu");
  CHECK(kUnaryOpCount == static_cast<size_t>(UnaryOp::silu) + 1);
  CHECK(std::string(name_of(BinaryOp::ge)) == "ge");
  CHECK(kBinaryOpCount == static_cast<size_t>(BinaryOp::ge) + 1);
  CHECK(std::string(name_of(ReduceOp::min)) == "min");
  CHECK(std::string(name_of(RandomDist::randint)) == "randint");
  CHECK(std::string(name_of(LogitFilter::top_p)) == "top_p");
}
