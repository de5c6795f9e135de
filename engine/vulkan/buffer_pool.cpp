#include "engine/vulkan/buffer_pool.h"

#include <algorithm>
#include <bit>
#include <cstdlib>

#include "engine/vulkan/context.h"

namespace cadenza::vulkan {
namespace {

// A memory type allowed by `bits` with all of `need`; among them the first with `prefer`.
int find_memory_type(uint32_t bits, VkMemoryPropertyFlags need, VkMemoryPropertyFlags prefer) {
  const VkPhysicalDeviceMemoryProperties& m = context().memory;
  int fallback = -1;
  for (uint32_t i = 0; i < m.memoryTypeCount; ++i) {
    if (!(bits & (1u << i)) || (m.memoryTypes[i].propertyFlags & need) != need) continue;
    if ((m.memoryTypes[i].propertyFlags & prefer) == prefer) return static_cast<int>(i);
    if (fallback < 0) fallback = static_cast<int>(i);
  }
  return fallback;
}

constexpr VkMemoryPropertyFlags kHostFlags = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;

}  // namespace

Buffer* BufferPool::create(VkDeviceSize size, bool host) {
  if (limit_ && allocated_bytes_ + size > limit_) return nullptr;  // over budget: as if the driver said no
  VkDevice dev = context().device;
  auto* b = new Buffer;
  b->size = size;
  b->host = host;
  auto info = vk_struct<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
  info.size = size;
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  check_vk(vkCreateBuffer(dev, &info, nullptr, &b->buffer), "vkCreateBuffer");
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(dev, b->buffer, &req);
  int type = host ? find_memory_type(req.memoryTypeBits, kHostFlags, VK_MEMORY_PROPERTY_HOST_CACHED_BIT)
                  : find_memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, kHostFlags);
  if (type < 0 && !host) type = find_memory_type(req.memoryTypeBits, 0, 0);
  if (type < 0) {
    vkDestroyBuffer(dev, b->buffer, nullptr);
    delete b;
    fail("vulkan: no memory type for a {} buffer", host ? "staging" : "storage");
  }
  auto alloc = vk_struct<VkMemoryAllocateInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO);
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex = static_cast<uint32_t>(type);
  VkResult r = vkAllocateMemory(dev, &alloc, nullptr, &b->memory);
  if (r != VK_SUCCESS) {
    vkDestroyBuffer(dev, b->buffer, nullptr);
    delete b;
    if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY) return nullptr;
    check_vk(r, "vkAllocateMemory");
  }
  check_vk(vkBindBufferMemory(dev, b->buffer, b->memory, 0), "vkBindBufferMemory");
  allocated_bytes_ += size;
  VkMemoryPropertyFlags flags = context().memory.memoryTypes[type].propertyFlags;
  if ((flags & kHostFlags) == kHostFlags)
    check_vk(vkMapMemory(dev, b->memory, 0, VK_WHOLE_SIZE, 0, &b->mapped), "vkMapMemory");
  return b;
}

Buffer* BufferPool::acquire(VkDeviceSize nbytes, bool host) {
  VkDeviceSize size = std::bit_ceil(std::max<VkDeviceSize>(nbytes, 256));
  // Kernels bind a tensor's whole buffer, which the device caps at maxStorageBufferRange
  // (128 MiB on some GPUs and lavapipe); staging buffers are only copied from and to.
  const VkDeviceSize range = context().props.limits.maxStorageBufferRange;
  if (!host && nbytes > range)
    fail(
        "vulkan: a tensor of {} bytes is larger than the {} bytes a kernel can bind on {} (maxStorageBufferRange); "
        "use a smaller batch or model, or --device cpu",
        nbytes, range, context().props.deviceName);
  if (!host && size > range) size = std::min(range, (nbytes + 255) / 256 * 256);
  auto& list = free_[{size, host}];
  if (!list.empty()) {
    Buffer* b = list.back();
    list.pop_back();
    cached_bytes_ -= size;
    return b;
  }
  Buffer* b = create(size, host);
  if (!b) {
    trim();  // give the cached buffers back and try once more
    b = create(size, host);
  }
  if (!b)
    fail(
        "vulkan: out of device memory allocating {} bytes on {} ({} MiB in use{}); use a smaller batch or "
        "model, or --device cpu",
        nbytes, context().props.deviceName, allocated_bytes_ >> 20,
        limit_ ? fmt::format(", limit {} MiB from CADENZA_VULKAN_MEMORY_LIMIT", limit_ >> 20) : std::string());
  return b;
}

void BufferPool::release(Buffer* b) {
  free_[{b->size, b->host}].push_back(b);
  cached_bytes_ += b->size;
}

void BufferPool::trim() {
  VkDevice dev = context().device;
  for (auto& [key, list] : free_) {
    for (Buffer* b : list) {
      vkDestroyBuffer(dev, b->buffer, nullptr);
      vkFreeMemory(dev, b->memory, nullptr);  // unmaps implicitly
      allocated_bytes_ -= b->size;
      delete b;
    }
    list.clear();
  }
  cached_bytes_ = 0;
}

VkDeviceSize parse_memory_size(const std::string& text, const char* what) {
  size_t used = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string suffix = text.substr(used);
  int shift = suffix.empty()                   ? 0
              : suffix == "K" || suffix == "k" ? 10
              : suffix == "M" || suffix == "m" ? 20
              : suffix == "G" || suffix == "g" ? 30
                                               : -1;
  if (used == 0 || text[0] == '-' || shift < 0 || n > (~0ull >> shift))
    fail("{}={}: expected a size in bytes with an optional K, M or G suffix", what, text);
  return static_cast<VkDeviceSize>(n) << shift;
}

BufferPool& buffer_pool() {
  static auto* pool = [] {  // never destroyed, like the context
    auto* p = new BufferPool;
    if (const char* limit = std::getenv("CADENZA_VULKAN_MEMORY_LIMIT"); limit && *limit)
      p->set_limit(parse_memory_size(limit, "CADENZA_VULKAN_MEMORY_LIMIT"));
    return p;
  }();
  return *pool;
}

}  // namespace cadenza::vulkan
