#pragma once
// The Vulkan backend's public face. Nothing starts until available() is first called: it
// creates the instance and device, registers the Vulkan DeviceBackend (so tensors can live
// on Device::vulkan()) and fills the Vulkan slot of every kernel that has a shader.
// Without a loader, a driver or a usable device it returns false and reason() says why in
// one line; the CPU path is untouched.
//
// Environment:
//   CADENZA_VULKAN_DEVICE=<index|name substring>  pick a device (default: discrete GPU,
//                                                  else integrated, virtual, then CPU)
//   CADENZA_VULKAN_VALIDATION=1                    enable VK_LAYER_KHRONOS_validation
//   CADENZA_VULKAN_PROFILE=1                       print GPU time per kernel at exit
//   CADENZA_VULKAN_GEMM=tiled|subgroup             force one GEMM path (default: automatic)
//   CADENZA_VULKAN_F16=0                           leave 16-bit storage off, as on a device
//                                                  without it (f16 weights then refused)
//   CADENZA_VULKAN_MEMORY_LIMIT=<bytes[K|M|G]>     fail allocations past this budget as if
//                                                  the device were out of memory
#include <cstdint>
#include <string>
#include <vector>

namespace cadenza::vulkan {

bool available();
const std::string& reason();  // why available() is false ("" when it is true)

struct DeviceInfo {
  int index;
  std::string name, type;  // type: "discrete", "integrated", "virtual", "cpu", "other"
  std::string api;         // Vulkan version, "1.3.255"
  uint64_t memory_bytes;   // device-local heaps
  uint32_t subgroup_size;
  bool f16_storage, int64, float64, compute;
};
// Every device the loader sees, from an enumeration of its own: it works whatever
// CADENZA_VULKAN_DEVICE says. Throws cadenza::Error (one line) without a loader or driver.
std::vector<DeviceInfo> list_devices();
std::string device_name();               // the chosen device

// Submits recorded work and waits for it.
void synchronize();

// Device memory held by the runtime's buffer pool (live and cached buffers), and a budget
// for it (0 = none; starts from CADENZA_VULKAN_MEMORY_LIMIT). Past the budget, or when the
// driver reports VK_ERROR_OUT_OF_DEVICE_MEMORY, the pool returns its cached buffers and
// retries once, then throws a one-line cadenza::Error ("vulkan: out of device memory ...").
uint64_t memory_in_use();
void set_memory_limit(uint64_t bytes);

// GEMM has two paths: a 64x64-tiled shared-memory kernel (portable, any shape) and, on
// devices with subgroup arithmetic in compute shaders, a kernel for skinny products (at
// most kSkinnyRows rows) whose lanes split K and combine with subgroupAdd. `automatic`
// takes the subgroup kernel for skinny products when the device has it. Forcing
// `subgroup` on a device without it throws at the next GEMM.
enum class GemmPath { automatic, tiled, subgroup };
constexpr int64_t kSkinnyRows = 8;
void set_gemm_path(GemmPath path);  // starts from CADENZA_VULKAN_GEMM
bool has_subgroup_gemm();           // the device can run the subgroup path
// The device reads 16-bit storage buffers (storageBuffer16BitAccess, enabled at start-up),
// which the f16-weight GEMM (ops/half_matmul.h) needs.
bool has_f16_storage();

// Warnings and errors reported by the validation layer since start-up (0 without it).
uint64_t validation_messages();
bool validation_enabled();

}  // namespace cadenza::vulkan
