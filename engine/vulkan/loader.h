#pragma once
// The Vulkan loader, opened at run time (dlopen("libvulkan.so.1")) rather than linked, so
// the program starts and runs on the CPU on a machine without it. The headers and glslc
// are build-time needs only. Every entry point cadenza calls is a function pointer below,
// named like the C API's function (VK_NO_PROTOTYPES hides the prototypes), so code reads as
// plain Vulkan inside namespace cadenza::vulkan.
#include <vulkan/vulkan.h>

#include <string>

// clang-format off
#define CADENZA_VK_GLOBAL_FUNCTIONS(X) \
  X(vkCreateInstance)                  \
  X(vkEnumerateInstanceLayerProperties) \
  X(vkEnumerateInstanceExtensionProperties)

#define CADENZA_VK_INSTANCE_FUNCTIONS(X)                                                       \
  X(vkDestroyInstance) X(vkEnumeratePhysicalDevices) X(vkEnumerateDeviceExtensionProperties)    \
  X(vkGetPhysicalDeviceProperties) X(vkGetPhysicalDeviceProperties2)                           \
  X(vkGetPhysicalDeviceFeatures) X(vkGetPhysicalDeviceFeatures2)                               \
  X(vkGetPhysicalDeviceMemoryProperties) X(vkGetPhysicalDeviceQueueFamilyProperties)           \
  X(vkCreateDevice) X(vkGetDeviceQueue) X(vkAllocateCommandBuffers) X(vkAllocateDescriptorSets) \
  X(vkAllocateMemory) X(vkBeginCommandBuffer) X(vkBindBufferMemory) X(vkCmdBindDescriptorSets)  \
  X(vkCmdBindPipeline) X(vkCmdCopyBuffer) X(vkCmdDispatch) X(vkCmdPipelineBarrier)              \
  X(vkCmdPushConstants) X(vkCmdResetQueryPool) X(vkCmdWriteTimestamp) X(vkCreateBuffer)         \
  X(vkCreateCommandPool) X(vkCreateComputePipelines) X(vkCreateDescriptorPool)                  \
  X(vkCreateDescriptorSetLayout) X(vkCreateFence) X(vkCreatePipelineCache)                      \
  X(vkCreatePipelineLayout) X(vkCreateQueryPool) X(vkCreateShaderModule) X(vkDestroyBuffer)     \
  X(vkDestroyShaderModule) X(vkEndCommandBuffer) X(vkFreeMemory)                                \
  X(vkGetBufferMemoryRequirements) X(vkGetQueryPoolResults) X(vkMapMemory) X(vkQueueSubmit)     \
  X(vkResetCommandBuffer) X(vkResetDescriptorPool) X(vkResetFences) X(vkUpdateDescriptorSets)   \
  X(vkWaitForFences)
// clang-format on

namespace cadenza::vulkan {

#define CADENZA_VK_DECLARE(name) extern PFN_##name name;
extern PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr;
CADENZA_VK_GLOBAL_FUNCTIONS(CADENZA_VK_DECLARE)
CADENZA_VK_INSTANCE_FUNCTIONS(CADENZA_VK_DECLARE)
#undef CADENZA_VK_DECLARE

// Opens the loader once and resolves the global functions. Throws cadenza::Error with one
// line ("no Vulkan loader (libvulkan.so.1): ...") when it is missing.
void load_vulkan();
// Resolves the instance- and device-level functions through `instance`.
void load_instance_functions(VkInstance instance);

}  // namespace cadenza::vulkan
