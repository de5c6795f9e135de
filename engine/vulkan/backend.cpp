// The DeviceBackend that lets tensors live on Device::vulkan(), and available(), which
// starts the runtime and hands the kernels their Vulkan functions.
#include <cstring>

#include "engine/storage.h"
#include "engine/vulkan/context.h"
#include "engine/vulkan/extension.h"
#include "engine/vulkan/runtime.h"
#include "engine/vulkan/stream.h"

namespace cadenza::vulkan {
namespace {

class VulkanBackend final : public DeviceBackend {
 public:
  void* allocate(size_t nbytes) override {
    std::lock_guard lock(runtime_mutex());
    return buffer_pool().acquire(nbytes, false);
  }
  void release(void* handle, size_t) override {
    std::lock_guard lock(runtime_mutex());
    stream().release(static_cast<Buffer*>(handle));
  }
  void copy_from_host(void* dst_handle, size_t dst_offset, const void* src, size_t n) override {
    if (n == 0) return;
    std::lock_guard lock(runtime_mutex());
    auto* dst = static_cast<Buffer*>(dst_handle);
    if (dst->mapped && !stream().pending(dst)) {
      std::memcpy(static_cast<char*>(dst->mapped) + dst_offset, src, n);
      return;
    }
    // Ordered after the recorded work that uses dst: through a staging buffer in the batch.
    Buffer* staging = buffer_pool().acquire(n, true);
    std::memcpy(staging->mapped, src, n);
    stream().copy(staging, 0, dst, dst_offset, n);
    stream().release(staging);
  }
  void copy_to_host(void* dst, const void* src_handle, size_t src_offset, size_t n) override {
    if (n == 0) return;
    std::lock_guard lock(runtime_mutex());
    auto* src = static_cast<Buffer*>(const_cast<void*>(src_handle));
    if (src->mapped) {
      if (stream().pending(src)) stream().flush();
      std::memcpy(dst, static_cast<const char*>(src->mapped) + src_offset, n);
      return;
    }
    Buffer* staging = buffer_pool().acquire(n, true);
    stream().copy(src, src_offset, staging, 0, n);
    stream().flush();
    std::memcpy(dst, staging->mapped, n);
    buffer_pool().release(staging);
  }
};

struct Startup {
  bool ok = false;
  std::string reason;
};

Startup start() {
  Startup s;
  try {
    context();
    buffer_pool();  // reads CADENZA_VULKAN_MEMORY_LIMIT: a bad value is a start-up reason
    stream();
    static VulkanBackend backend;
    register_backend(Device::Kind::vulkan, &backend);
    run_start_hooks();  // fills the kernels' Vulkan slots (ops/vulkan/, extensions)
    s.ok = true;
  } catch (const std::exception& e) {
    s.reason = e.what();
  }
  return s;
}

const Startup& startup() {
  static const Startup s = start();
  return s;
}

}  // namespace

bool available() { return startup().ok; }
const std::string& reason() { return startup().reason; }

void synchronize() {
  if (available()) stream().flush();
}

uint64_t memory_in_use() {
  if (!available()) return 0;
  std::lock_guard lock(runtime_mutex());
  return buffer_pool().allocated_bytes();
}

void set_memory_limit(uint64_t bytes) {
  if (!available()) return;
  std::lock_guard lock(runtime_mutex());
  buffer_pool().set_limit(bytes);
}

}  // namespace cadenza::vulkan
