#pragma once
// A block of device memory shared by a tensor and all of its views. The version counter is
// shared too: an in-place write through any view bumps it, which is how autograd notices a
// saved tensor was modified before backward.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "engine/device.h"

namespace cadenza {

// What a device must provide to hold tensor data. The CPU's is built in; the Vulkan
// backend registers its own when it finds a device.
class DeviceBackend {
 public:
  virtual ~DeviceBackend() = default;
  virtual void* allocate(size_t nbytes) = 0;
  virtual void release(void* handle, size_t nbytes) = 0;
  virtual void copy_from_host(void* dst_handle, size_t dst_offset, const void* src, size_t n) = 0;
  virtual void copy_to_host(void* dst, const void* src_handle, size_t src_offset, size_t n) = 0;
};

DeviceBackend& backend_for(Device d);
void register_backend(Device::Kind kind, DeviceBackend* backend);
bool has_backend(Device::Kind kind);

class Storage {
 public:
  Storage(size_t nbytes, Device device);
  // Host memory that belongs to someone else (a NumPy array's buffer): the storage keeps
  // `owner` alive and drops it when it dies, and never frees `data` itself.
  Storage(void* data, size_t nbytes, std::shared_ptr<void> owner);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }
  // Host pointer on CPU; an opaque backend handle elsewhere.
  void* handle() const { return handle_; }

  uint64_t version() const { return version_; }
  void bump_version() { ++version_; }

 private:
  size_t nbytes_;
  Device device_;
  void* handle_;
  std::shared_ptr<void> owner_;  // set for borrowed memory
  uint64_t version_ = 0;
};

}  // namespace cadenza
