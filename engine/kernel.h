#pragma once
// A kernel is one primitive computation with an implementation per backend. Ops call
// kernels; each kernel's CPU function is set where the op is defined (ops/*.cpp) and its
// Vulkan function by the Vulkan backend. Every kernel registers itself by name, so a test
// can walk them and find a backend that lacks one.
#include <string>
#include <vector>

#include "engine/device.h"
#include "engine/error.h"

namespace cadenza {

struct KernelSlots {
  const char* name;
  const void* const* cpu;     // address of the CPU function pointer
  const void* const* vulkan;  // address of the Vulkan function pointer
};

std::vector<KernelSlots>& kernel_registry();

template <class Sig> class Kernel;

template <class R, class... A>
class Kernel<R(A...)> {
 public:
  using Fn = R (*)(A...);
  Kernel(const char* name, Fn cpu) : name_(name), cpu_(cpu) {
    kernel_registry().push_back({name_, reinterpret_cast<const void* const*>(&cpu_),
                                 reinterpret_cast<const void* const*>(&vulkan_)});
  }
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  R operator()(Device d, A... args) const {
    Fn f = d.is_cpu() ? cpu_ : vulkan_;
    CADENZA_CHECK(f != nullptr, "kernel '{}' has no implementation for device {}", name_, d.str());
    return f(args...);
  }
  void set_vulkan(Fn f) { vulkan_ = f; }
  bool has_vulkan() const { return vulkan_ != nullptr; }
  const char* name() const { return name_; }

 private:
  const char* name_;
  Fn cpu_ = nullptr;
  Fn vulkan_ = nullptr;
};

}  // namespace cadenza
