#pragma once
// The device limits the kernels depend on, a way for tests to lower them
// (CADENZA_VULKAN_LIMITS), and the workgroup and tile sizes chosen from them
// (runtime.h's KernelConfig). Pure functions of the limits, so the choices can be checked
// without a device.
#include "engine/vulkan/loader.h"

#include <string>

#include "engine/vulkan/runtime.h"

namespace cadenza::vulkan {

// Lowers `limits` as `spec` says: "name=value,name=value" with the names of
// VkPhysicalDeviceLimits — maxComputeSharedMemorySize, maxComputeWorkGroupInvocations,
// maxStorageBufferRange, maxComputeWorkGroupSize and maxComputeWorkGroupCount (all three
// axes) or their X/Y/Z forms (one axis). A name it does not know, a value that is not a
// number, or one above the device's own limit throws a one-line cadenza::Error: the
// override can only make a device smaller.
void lower_limits(VkPhysicalDeviceLimits& limits, const std::string& spec);

// The kernels' workgroup and tile sizes for a device with these limits and subgroup size.
// Throws a one-line cadenza::Error naming `device` when even the smallest choice of some
// kernel does not fit (no conformant device: the spec guarantees 128 invocations and
// 16 KiB of shared memory).
KernelConfig choose_kernel_config(const VkPhysicalDeviceLimits& limits, uint32_t subgroup_size,
                                  const std::string& device);

// Shared memory (bytes) each kernel uses with a given choice.
uint32_t tiled_gemm_shared_bytes(uint32_t tile);
uint32_t skinny_gemm_shared_bytes(uint32_t lanes);
uint32_t attention_shared_bytes(uint32_t group, uint32_t chunk);

}  // namespace cadenza::vulkan
