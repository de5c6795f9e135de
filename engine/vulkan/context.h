#pragma once
// The one Vulkan instance, the chosen physical device, its logical device and compute queue.
#include "engine/vulkan/loader.h"

#include <string>

#include "engine/error.h"
#include "engine/vulkan/runtime.h"

namespace cadenza::vulkan {

struct Context {
  VkInstance instance = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t queue_family = 0;
  VkPhysicalDeviceProperties props{};  // limits lowered by CADENZA_VULKAN_LIMITS (limits.h)
  VkPhysicalDeviceMemoryProperties memory{};
  bool int64 = false;        // shaderInt64 enabled
  bool float64 = false;      // shaderFloat64 enabled
  bool f16_storage = false;  // storageBuffer16BitAccess enabled (f16 inference weights)
  bool timestamps = false;   // the queue can write timestamps
  uint32_t subgroup_size = 0;
  KernelConfig config;                    // the kernels' sizes, chosen from props.limits (limits.h)
  VkPhysicalDeviceLimits start_limits{};  // props.limits as chosen from (lower_device_limits)
};

// A zeroed Vulkan info struct with its sType set (aggregate init would leave g++ -Wextra
// warning about every member not named).
template <class T>
T vk_struct(VkStructureType type) {
  T t{};
  t.sType = type;
  return t;
}

// The context, created on first use. Throws cadenza::Error when there is no usable device;
// available() (runtime.h) is the non-throwing way to ask.
Context& context();

// Throws a readable error for a failed Vulkan call.
void check_vk(VkResult r, const char* what);
const char* result_name(VkResult r);

}  // namespace cadenza::vulkan
