#pragma once
// The kernel table: how an op reaches a backend. Two kinds of entry, both registered by name
// so a test can walk them and find a backend that lacks one:
//
//  Kernel<Sig>       one primitive computation that every backend implements (unary, matmul,
//                    softmax...). The CPU function is given where the op is defined
//                    (ops/*.cpp), the Vulkan one by the backend (ops/vulkan/*.cpp).
//  FusedKernel<Sig>  a faster path for a whole op (an LSTM layer, attention) that a backend
//                    may offer for the calls it handles. Each backend's slot holds a
//                    supports(args...) predicate beside its implementation; the call returns
//                    the result when the device's slot supports the arguments, else nothing,
//                    and the op runs its composed ops instead. An op therefore never asks
//                    which device it is on: a new backend fills slots, it edits no op.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "engine/device.h"
#include "engine/error.h"

namespace cadenza {

struct KernelSlots {
  const char* name;
  const void* const* cpu;     // address of the CPU function pointer
  const void* const* vulkan;  // address of the Vulkan function pointer
  // A FusedKernel: a backend may leave its slot empty (the op composes instead).
  bool fused = false;
};

std::vector<KernelSlots>& kernel_registry();

template <class Sig>
class Kernel;

template <class R, class... A>
class Kernel<R(A...)> {
 public:
  using Fn = R (*)(A...);
  Kernel(const char* name, Fn cpu) : name_(name), cpu_(cpu) {
    kernel_registry().push_back(
        {name_, reinterpret_cast<const void* const*>(&cpu_), reinterpret_cast<const void* const*>(&vulkan_)});
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

template <class Sig>
class FusedKernel;

template <class R, class... A>
class FusedKernel<R(A...)> {
 public:
  using Supports = bool (*)(A...);
  using Run = R (*)(A...);
  struct Slot {
    Supports supports = nullptr;  // which calls run() handles; checked before each call
    Run run = nullptr;
  };

  explicit FusedKernel(const char* name, Slot cpu = {}) : name_(name) {
    set(Device::Kind::cpu, cpu);
    kernel_registry().push_back({name_, reinterpret_cast<const void* const*>(&slot(Device::Kind::cpu).run),
                                 reinterpret_cast<const void* const*>(&slot(Device::Kind::vulkan).run), true});
  }
  FusedKernel(const FusedKernel&) = delete;
  FusedKernel& operator=(const FusedKernel&) = delete;

  // The fused result when d's slot supports these arguments; nothing means "compose".
  std::optional<R> operator()(Device d, A... args) const {
    const Slot& s = slot(d.kind);
    if (s.run == nullptr || !s.supports(args...)) return std::nullopt;
    return s.run(args...);
  }
  void set(Device::Kind kind, Slot s) {
    CADENZA_CHECK((s.run == nullptr) == (s.supports == nullptr),
                  "fused kernel '{}': a slot needs both its supports() predicate and its implementation", name_);
    slot(kind) = s;
  }
  void set_vulkan(Slot s) { set(Device::Kind::vulkan, s); }
  bool has(Device::Kind kind) const { return slot(kind).run != nullptr; }
  const char* name() const { return name_; }

 private:
  Slot& slot(Device::Kind k) { return slots_[static_cast<size_t>(k)]; }
  const Slot& slot(Device::Kind k) const { return slots_[static_cast<size_t>(k)]; }

  const char* name_;
  std::array<Slot, 2> slots_{};  // indexed by Device::Kind
};

}  // namespace cadenza
