#include "engine/vulkan/pipelines.h"

#include <map>
#include <memory>

#include "engine/vulkan/context.h"
#include "engine/vulkan/extension.h"
#include "engine/vulkan/spirv.h"

namespace cadenza::vulkan {
namespace {

struct Layouts {
  VkDescriptorSetLayout set = VK_NULL_HANDLE;
  VkPipelineLayout pipeline = VK_NULL_HANDLE;
  VkPipelineCache cache = VK_NULL_HANDLE;
};

Layouts& layouts() {
  static Layouts* l = [] {
    VkDevice dev = context().device;
    auto* l = new Layouts;
    VkDescriptorSetLayoutBinding b[kMaxBindings]{};
    for (uint32_t i = 0; i < kMaxBindings; ++i) {
      b[i].binding = i;
      b[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      b[i].descriptorCount = 1;
      b[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    auto si = vk_struct<VkDescriptorSetLayoutCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO);
    si.bindingCount = kMaxBindings;
    si.pBindings = b;
    check_vk(vkCreateDescriptorSetLayout(dev, &si, nullptr, &l->set), "vkCreateDescriptorSetLayout");
    VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, kPushBytes};
    auto pi = vk_struct<VkPipelineLayoutCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO);
    pi.setLayoutCount = 1;
    pi.pSetLayouts = &l->set;
    pi.pushConstantRangeCount = 1;
    pi.pPushConstantRanges = &range;
    check_vk(vkCreatePipelineLayout(dev, &pi, nullptr, &l->pipeline), "vkCreatePipelineLayout");
    auto ci = vk_struct<VkPipelineCacheCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO);
    check_vk(vkCreatePipelineCache(dev, &ci, nullptr, &l->cache), "vkCreatePipelineCache");
    return l;
  }();
  return *l;
}

// Modules registered by code outside engine/ (extension.h) first, so a name clash with a
// built-in shader is reported rather than silently resolved.
const SpirvModule* find_module(const std::string& name) {
  if (const SpirvModule* m = find_registered_shader(name)) return m;
  for (size_t i = 0; i < kSpirvModuleCount; ++i)
    if (name == kSpirvModules[i].name) return &kSpirvModules[i];
  return nullptr;
}

Pipeline create(const std::string& name, const std::vector<uint32_t>& spec) {
  const SpirvModule* m = find_module(name);
  if (!m)
    fail("vulkan: no shader module '{}' was compiled in (see shaders/) or registered (cadenza_add_shaders)", name);
  VkDevice dev = context().device;
  auto mi = vk_struct<VkShaderModuleCreateInfo>(VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
  mi.codeSize = m->count * sizeof(uint32_t);
  mi.pCode = m->words;
  VkShaderModule module;
  check_vk(vkCreateShaderModule(dev, &mi, nullptr, &module), "vkCreateShaderModule");
  std::vector<uint32_t> values = spec;
  values.push_back(context().config.group_size);
  std::vector<VkSpecializationMapEntry> entries(values.size());
  for (uint32_t i = 0; i < spec.size(); ++i) entries[i] = {i, i * 4u, 4};
  entries.back() = {kGroupSizeConstant, static_cast<uint32_t>(spec.size()) * 4u, 4};
  VkSpecializationInfo si{static_cast<uint32_t>(entries.size()), entries.data(), values.size() * 4, values.data()};
  auto ci = vk_struct<VkComputePipelineCreateInfo>(VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO);
  ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  ci.stage.module = module;
  ci.stage.pName = "main";
  ci.stage.pSpecializationInfo = &si;
  ci.layout = layouts().pipeline;
  Pipeline p;
  p.name = name;
  VkResult r = vkCreateComputePipelines(dev, layouts().cache, 1, &ci, nullptr, &p.pipeline);
  vkDestroyShaderModule(dev, module, nullptr);
  check_vk(r, "vkCreateComputePipelines");
  return p;
}

}  // namespace

VkDescriptorSetLayout descriptor_layout() { return layouts().set; }
VkPipelineLayout pipeline_layout() { return layouts().pipeline; }
bool has_module(const std::string& name) { return find_module(name) != nullptr; }

const Pipeline& pipeline(const std::string& name, const std::vector<uint32_t>& spec) {
  static auto* cache = new std::map<std::pair<std::string, std::vector<uint32_t>>, Pipeline>;
  auto key = std::make_pair(name, spec);
  auto it = cache->find(key);
  if (it == cache->end()) it = cache->emplace(key, create(name, spec)).first;
  return it->second;
}

}  // namespace cadenza::vulkan
