#pragma once
// Compute pipelines, created lazily from the embedded SPIR-V and cached by module name and
// specialization constants. Every kernel shares one layout: kMaxBindings storage buffers
// (set 0, bindings 0..kMaxBindings-1) and kPushBytes of push constants, so one descriptor
// pool and one pipeline layout serve all of them. A device must allow kMaxBindings storage
// buffers per shader stage: real GPUs allow dozens, the spec guarantees only 4, and
// the runtime refuses a device below that with a clear reason.
#include "engine/vulkan/loader.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cadenza::vulkan {

constexpr uint32_t kMaxBindings = 6;  // the fused LSTM backward binds 6
constexpr uint32_t kPushBytes = 128;  // the minimum every device guarantees
// Specialization constant every pipeline gets: the 1-D kernels' workgroup size
// (KernelConfig::group_size; shaders/group.glsl). Shaders that do not declare it ignore it.
constexpr uint32_t kGroupSizeConstant = 100;

struct Pipeline {
  VkPipeline pipeline = VK_NULL_HANDLE;
  std::string name;  // for errors and the profile
};

VkDescriptorSetLayout descriptor_layout();
VkPipelineLayout pipeline_layout();

// The pipeline for module `name` with specialization constants 0..n-1 set to `spec` (and
// kGroupSizeConstant to the device's group size).
// Throws if no shader of that name was compiled in.
const Pipeline& pipeline(const std::string& name, const std::vector<uint32_t>& spec = {});

bool has_module(const std::string& name);

}  // namespace cadenza::vulkan
