#pragma once
// Buffers and the pool that recycles them. Tensor storage asks for device-local memory
// (mapped as well when the device offers memory that is both, as integrated GPUs and
// lavapipe do); staging buffers are host-visible. Sizes are rounded up to a power of two
// (at least 256 bytes), and a released buffer waits in its size class for the next request
// of that class, so a training loop stops calling vkAllocateMemory after its first step.
#include "engine/vulkan/loader.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cadenza::vulkan {

struct Buffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkDeviceSize size = 0;   // the size class (>= the request)
  void* mapped = nullptr;  // host pointer when the memory is host-visible and coherent
  bool host = false;       // a staging buffer (host-visible) rather than tensor storage
  uint64_t batch = 0;      // the last batch that referenced it (see stream.h)
};

class BufferPool {
 public:
  // Throws a clear cadenza::Error when the device is out of memory even after the pool
  // has returned its cached buffers to the driver.
  Buffer* acquire(VkDeviceSize nbytes, bool host);
  void release(Buffer* b);  // back to its size class (caller ensures the GPU is done with it)
  void trim();              // frees every cached buffer
  VkDeviceSize cached_bytes() const { return cached_bytes_; }
  // Memory this pool holds from the driver (live and cached buffers).
  VkDeviceSize allocated_bytes() const { return allocated_bytes_; }
  // A budget below the driver's: an allocation that would pass it fails as if the device
  // were out of memory (0 = none). Starts from CADENZA_VULKAN_MEMORY_LIMIT.
  void set_limit(VkDeviceSize bytes) { limit_ = bytes; }
  VkDeviceSize limit() const { return limit_; }

 private:
  Buffer* create(VkDeviceSize size, bool host);
  std::map<std::pair<VkDeviceSize, bool>, std::vector<Buffer*>> free_;
  VkDeviceSize cached_bytes_ = 0;
  VkDeviceSize allocated_bytes_ = 0;
  VkDeviceSize limit_ = 0;
};

// "512M", "2G", "1048576": bytes with an optional K/M/G (powers of 1024) suffix; throws a
// one-line error naming `what` for anything else.
VkDeviceSize parse_memory_size(const std::string& text, const char* what);

BufferPool& buffer_pool();

}  // namespace cadenza::vulkan
