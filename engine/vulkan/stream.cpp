#include "engine/vulkan/stream.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "engine/vulkan/context.h"

namespace cadenza::vulkan {
namespace {

bool profiling() {
  static const bool on = [] {
    const char* v = std::getenv("CADENZA_VULKAN_PROFILE");
    return v && *v && std::strcmp(v, "0") != 0;
  }();
  return on;
}

struct ProfileEntry {
  double ns = 0;
  uint64_t count = 0;
};

std::map<std::string, ProfileEntry>& profile() {
  static auto* p = new std::map<std::string, ProfileEntry>;
  return *p;
}

void print_profile() {
  std::vector<std::pair<std::string, ProfileEntry>> rows(profile().begin(), profile().end());
  std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.second.ns > b.second.ns; });
  double total = 0;
  for (auto& r : rows) total += r.second.ns;
  fmt::print(stderr, "vulkan profile ({}): {:.3f} ms of kernels\n", context().props.deviceName, total * 1e-6);
  fmt::print(stderr, "  {:<28} {:>10} {:>12} {:>10}\n", "kernel", "calls", "total ms", "us/call");
  for (auto& [name, e] : rows)
    fmt::print(stderr, "  {:<28} {:>10} {:>12.3f} {:>10.2f}\n", name, e.count, e.ns * 1e-6, e.ns * 1e-3 / e.count);
}

bool contains(const std::vector<const Buffer*>& v, const Buffer* b) {
  return std::find(v.begin(), v.end(), b) != v.end();
}

constexpr VkPipelineStageFlags kStages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;

}  // namespace

std::recursive_mutex& runtime_mutex() {
  static auto* m = new std::recursive_mutex;
  return *m;
}

Stream::Stream() {
  const Context& c = context();
  auto pi = vk_struct<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
  pi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pi.queueFamilyIndex = c.queue_family;
  check_vk(vkCreateCommandPool(c.device, &pi, nullptr, &pool_), "vkCreateCommandPool");
  auto ai = vk_struct<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
  ai.commandPool = pool_;
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  check_vk(vkAllocateCommandBuffers(c.device, &ai, &cmd_), "vkAllocateCommandBuffers");
  auto fi = vk_struct<VkFenceCreateInfo>(VK_STRUCTURE_TYPE_FENCE_CREATE_INFO);
  check_vk(vkCreateFence(c.device, &fi, nullptr, &fence_), "vkCreateFence");
  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kMaxBatch * kMaxBindings};
  auto di = vk_struct<VkDescriptorPoolCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO);
  di.maxSets = kMaxBatch;
  di.poolSizeCount = 1;
  di.pPoolSizes = &size;
  check_vk(vkCreateDescriptorPool(c.device, &di, nullptr, &descriptors_), "vkCreateDescriptorPool");
  if (profiling() && c.timestamps) {
    auto qi = vk_struct<VkQueryPoolCreateInfo>(VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO);
    qi.queryType = VK_QUERY_TYPE_TIMESTAMP;
    qi.queryCount = 2 * kMaxBatch;
    check_vk(vkCreateQueryPool(c.device, &qi, nullptr, &queries_), "vkCreateQueryPool");
    std::atexit(&print_profile);
  } else if (profiling()) {
    fmt::print(stderr, "cadenza: CADENZA_VULKAN_PROFILE=1 but {} has no compute timestamps\n", c.props.deviceName);
  }
}

void Stream::begin() {
  if (recording_) return;
  auto bi = vk_struct<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  check_vk(vkBeginCommandBuffer(cmd_, &bi), "vkBeginCommandBuffer");
  if (queries_) vkCmdResetQueryPool(cmd_, queries_, 0, 2 * kMaxBatch);
  recording_ = true;
}

void Stream::hazard_barrier(std::initializer_list<Arg> args) {
  bool hazard = false;
  for (const Arg& a : args) {
    hazard |= contains(written_, a.buffer);          // RAW or WAW
    hazard |= a.write && contains(read_, a.buffer);  // WAR
  }
  if (!hazard) return;
  auto mb = vk_struct<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
  mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                     VK_ACCESS_TRANSFER_WRITE_BIT;
  vkCmdPipelineBarrier(cmd_, kStages, kStages, 0, 1, &mb, 0, nullptr, 0, nullptr);
  written_.clear();
  read_.clear();
}

void Stream::touch(std::initializer_list<Arg> args) {
  for (const Arg& a : args) {
    a.buffer->batch = batch_;
    (a.write ? written_ : read_).push_back(a.buffer);
  }
}

void Stream::dispatch(const Pipeline& p, std::initializer_list<Arg> args, const void* push, size_t push_bytes,
                      uint32_t gx, uint32_t gy, uint32_t gz) {
  std::lock_guard lock(runtime_mutex());
  CADENZA_CHECK(args.size() >= 1 && args.size() <= kMaxBindings && push_bytes <= kPushBytes,
                "vulkan: kernel {} binds {} buffers and {} push bytes", p.name, args.size(), push_bytes);
  if (gx == 0 || gy == 0 || gz == 0) return;
  const uint32_t* max = context().props.limits.maxComputeWorkGroupCount;
  CADENZA_CHECK(gx <= max[0] && gy <= max[1] && gz <= max[2],
                "vulkan: kernel {} needs a grid of {} x {} x {} workgroups; {} allows at most {} x {} x {} "
                "(maxComputeWorkGroupCount)",
                p.name, gx, gy, gz, context().props.deviceName, max[0], max[1], max[2]);
  if (commands_ >= kMaxBatch) flush();
  begin();
  hazard_barrier(args);
  touch(args);

  VkDescriptorSetLayout layout = descriptor_layout();
  auto ai = vk_struct<VkDescriptorSetAllocateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO);
  ai.descriptorPool = descriptors_;
  ai.descriptorSetCount = 1;
  ai.pSetLayouts = &layout;
  VkDescriptorSet set;
  check_vk(vkAllocateDescriptorSets(context().device, &ai, &set), "vkAllocateDescriptorSets");
  // Unused bindings point at the first buffer so every binding is valid; shaders never touch them.
  VkDescriptorBufferInfo infos[kMaxBindings];
  VkWriteDescriptorSet writes[kMaxBindings];
  auto it = args.begin();
  for (uint32_t i = 0; i < kMaxBindings; ++i) {
    Buffer* b = i < args.size() ? it[i].buffer : it[0].buffer;
    infos[i] = {b->buffer, 0, VK_WHOLE_SIZE};
    writes[i] = vk_struct<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
    writes[i].dstSet = set;
    writes[i].dstBinding = i;
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  vkUpdateDescriptorSets(context().device, kMaxBindings, writes, 0, nullptr);

  if (queries_) vkCmdWriteTimestamp(cmd_, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries_, 2 * commands_);
  vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
  vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline_layout(), 0, 1, &set, 0, nullptr);
  if (push_bytes)
    vkCmdPushConstants(cmd_, pipeline_layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, static_cast<uint32_t>(push_bytes),
                       push);
  vkCmdDispatch(cmd_, gx, gy, gz);
  if (queries_) {
    vkCmdWriteTimestamp(cmd_, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries_, 2 * commands_ + 1);
    profiled_.push_back(p.name);
  }
  ++commands_;
}

void Stream::copy(Buffer* src, VkDeviceSize src_off, Buffer* dst, VkDeviceSize dst_off, VkDeviceSize n) {
  std::lock_guard lock(runtime_mutex());
  if (n == 0) return;
  if (commands_ >= kMaxBatch) flush();
  begin();
  std::initializer_list<Arg> args{{src, false}, {dst, true}};
  hazard_barrier(args);
  touch(args);
  VkBufferCopy region{src_off, dst_off, n};
  if (queries_) vkCmdWriteTimestamp(cmd_, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries_, 2 * commands_);
  vkCmdCopyBuffer(cmd_, src->buffer, dst->buffer, 1, &region);
  if (queries_) {
    vkCmdWriteTimestamp(cmd_, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries_, 2 * commands_ + 1);
    profiled_.push_back("(buffer copy)");
  }
  ++commands_;
}

void Stream::read_profile(uint32_t pairs) {
  if (!queries_ || pairs == 0) return;
  std::vector<uint64_t> ts(2 * pairs);
  check_vk(vkGetQueryPoolResults(context().device, queries_, 0, 2 * pairs, ts.size() * sizeof(uint64_t), ts.data(),
                                 sizeof(uint64_t), VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT),
           "vkGetQueryPoolResults");
  double period = context().props.limits.timestampPeriod;
  for (uint32_t i = 0; i < pairs; ++i) {
    ProfileEntry& e = profile()[profiled_[i]];
    e.ns += static_cast<double>(ts[2 * i + 1] - ts[2 * i]) * period;
    e.count++;
  }
}

void Stream::flush() {
  std::lock_guard lock(runtime_mutex());
  if (!recording_) return;
  const Context& c = context();
  check_vk(vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
  auto si = vk_struct<VkSubmitInfo>(VK_STRUCTURE_TYPE_SUBMIT_INFO);
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cmd_;
  check_vk(vkQueueSubmit(c.queue, 1, &si, fence_), "vkQueueSubmit");
  check_vk(vkWaitForFences(c.device, 1, &fence_, VK_TRUE, UINT64_MAX), "vkWaitForFences");
  check_vk(vkResetFences(c.device, 1, &fence_), "vkResetFences");
  read_profile(commands_);
  profiled_.clear();
  recording_ = false;
  check_vk(vkResetCommandBuffer(cmd_, 0), "vkResetCommandBuffer");
  check_vk(vkResetDescriptorPool(c.device, descriptors_, 0), "vkResetDescriptorPool");
  commands_ = 0;
  ++batch_;
  written_.clear();
  read_.clear();
  for (Buffer* b : deferred_) buffer_pool().release(b);
  deferred_.clear();
}

void Stream::release(Buffer* b) {
  std::lock_guard lock(runtime_mutex());
  if (pending(b))
    deferred_.push_back(b);
  else
    buffer_pool().release(b);
}

Stream& stream() {
  static auto* s = new Stream;
  return *s;
}

}  // namespace cadenza::vulkan
