#include "engine/storage.h"

#include <array>
#include <cstring>

#include "engine/cpu/allocator.h"
#include "engine/error.h"

namespace cadenza {
namespace {

class CpuBackend final : public DeviceBackend {
 public:
  void* allocate(size_t n) override { return cpu::allocate(n); }
  void release(void* p, size_t n) override { cpu::release(p, n); }
  void copy_from_host(void* dst, size_t off, const void* src, size_t n) override {
    if (n) std::memcpy(static_cast<char*>(dst) + off, src, n);
  }
  void copy_to_host(void* dst, const void* src, size_t off, size_t n) override {
    if (n) std::memcpy(dst, static_cast<const char*>(src) + off, n);
  }
};

std::array<DeviceBackend*, 2>& backends() {
  static CpuBackend cpu;
  static std::array<DeviceBackend*, 2> table{&cpu, nullptr};
  return table;
}

}  // namespace

DeviceBackend& backend_for(Device d) {
  DeviceBackend* b = backends()[static_cast<size_t>(d.kind)];
  CADENZA_CHECK(b != nullptr, "device {} is not available (no backend registered)", d.str());
  return *b;
}

void register_backend(Device::Kind kind, DeviceBackend* backend) { backends()[static_cast<size_t>(kind)] = backend; }

bool has_backend(Device::Kind kind) { return backends()[static_cast<size_t>(kind)] != nullptr; }

Storage::Storage(size_t nbytes, Device device)
    : nbytes_(nbytes), device_(device), handle_(backend_for(device).allocate(nbytes)) {}

Storage::Storage(void* data, size_t nbytes, std::shared_ptr<void> owner)
    : nbytes_(nbytes), device_(Device::cpu()), handle_(data), owner_(std::move(owner)) {
  CADENZA_CHECK(owner_ != nullptr, "borrowed storage needs an owner to keep its memory alive");
}

Storage::~Storage() {
  if (!owner_) backend_for(device_).release(handle_, nbytes_);
}

}  // namespace cadenza
