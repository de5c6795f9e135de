#pragma once
// The SPIR-V modules compiled from shaders/*.comp at build time (see CMakeLists.txt).
#include <cstddef>
#include <cstdint>

namespace cadenza::vulkan {

struct SpirvModule {
  const char* name;  // "<shader>" or "<shader>_<variant>"
  const uint32_t* words;
  size_t count;
};

extern const SpirvModule kSpirvModules[];
extern const size_t kSpirvModuleCount;

}  // namespace cadenza::vulkan
