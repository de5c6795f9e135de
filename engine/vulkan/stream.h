#pragma once
// Command batching. Dispatches and buffer copies are recorded into one command buffer and
// submitted together when a result is read back (flush) or when kMaxBatch dispatches have
// accumulated. Between two recorded commands a pipeline barrier is inserted only on a real
// hazard: the later one reads or writes a buffer an earlier one wrote (RAW, WAW), or writes
// one an earlier one read (WAR), since the last barrier. Independent kernels therefore
// overlap on the device.
//
// Every entry point takes the runtime lock: one thread at a time records.
#include <cstdint>
#include <initializer_list>
#include <mutex>

#include "engine/vulkan/buffer_pool.h"
#include "engine/vulkan/pipelines.h"

namespace cadenza::vulkan {

constexpr uint32_t kMaxBatch = 256;

struct Arg {
  Buffer* buffer;
  bool write;
};

std::recursive_mutex& runtime_mutex();

class Stream {
 public:
  Stream();
  // Records pipeline `p` over buffers args (bound to bindings 0..n-1) with push constants.
  void dispatch(const Pipeline& p, std::initializer_list<Arg> args, const void* push, size_t push_bytes, uint32_t gx,
                uint32_t gy = 1, uint32_t gz = 1);
  // Records dst[dst_off..] = src[src_off..] for n bytes.
  void copy(Buffer* src, VkDeviceSize src_off, Buffer* dst, VkDeviceSize dst_off, VkDeviceSize n);
  // Submits what is recorded and waits; then recycles the buffers released meanwhile.
  void flush();
  // The buffer is referenced by recorded, not yet finished work.
  bool pending(const Buffer* b) const { return recording_ && b->batch == batch_; }
  // Returns b to the pool, or after the current batch has finished if it uses b.
  void release(Buffer* b);

 private:
  void begin();
  void hazard_barrier(std::initializer_list<Arg> args);
  void touch(std::initializer_list<Arg> args);
  void read_profile(uint32_t queries);

  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  VkDescriptorPool descriptors_ = VK_NULL_HANDLE;
  VkQueryPool queries_ = VK_NULL_HANDLE;
  bool recording_ = false;
  uint64_t batch_ = 1;
  uint32_t commands_ = 0;
  std::vector<const Buffer*> written_, read_;  // since the last barrier
  std::vector<Buffer*> deferred_;
  std::vector<std::string> profiled_;  // kernel name per timestamp pair in this batch
};

Stream& stream();

}  // namespace cadenza::vulkan
