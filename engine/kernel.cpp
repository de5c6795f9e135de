#include "engine/kernel.h"

namespace cadenza {

std::vector<KernelSlots>& kernel_registry() {
  static std::vector<KernelSlots> kernels;
  return kernels;
}

}  // namespace cadenza
