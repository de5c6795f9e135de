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
//   CADENZA_VULKAN_GEMM=tiled|skinny               force one GEMM path (default: automatic)
//   CADENZA_VULKAN_F16=0                           leave 16-bit storage off, as on a device
//                                                  without it (f16 weights then refused)
//   CADENZA_VULKAN_MEMORY_LIMIT=<bytes[K|M|G]>     fail allocations past this budget as if
//                                                  the device were out of memory
//   CADENZA_VULKAN_LIMITS=<name=value,...>         lower device limits, for tests
//                                                  (limits.h): the kernels then choose
//                                                  their sizes as on a smaller device
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
std::string device_name();  // the chosen device

// Submits recorded work and waits for it.
void synchronize();

// Device memory held by the runtime's buffer pool (live and cached buffers), and a budget
// for it (0 = none; starts from CADENZA_VULKAN_MEMORY_LIMIT). Past the budget, or when the
// driver reports VK_ERROR_OUT_OF_DEVICE_MEMORY, the pool returns its cached buffers and
// retries once, then throws a one-line cadenza::Error ("vulkan: out of device memory ...").
uint64_t memory_in_use();
void set_memory_limit(uint64_t bytes);

// GEMM has two paths: a tiled shared-memory kernel (portable, any shape; 64x64 tiles where
// the device allows) and a kernel for skinny products (at most kSkinnyRows rows) whose
// lanes split K and add their partial sums through shared memory. `automatic` takes the
// skinny kernel for skinny products when the device's limits let it run
// (KernelConfig::skinny_lanes > 0). Forcing `skinny` on a device without it throws at the
// next GEMM.
enum class GemmPath { automatic, tiled, skinny };
constexpr int64_t kSkinnyRows = 8;
void set_gemm_path(GemmPath path);  // starts from CADENZA_VULKAN_GEMM=auto|tiled|skinny
bool has_skinny_gemm();             // the device can run the skinny path
// The device reads 16-bit storage buffers (storageBuffer16BitAccess, enabled at start-up),
// which the f16-weight GEMM (ops/half_matmul.h) needs.
bool has_f16_storage();

// What the kernels chose from the device's limits (maxComputeWorkGroupInvocations,
// maxComputeWorkGroupSize, maxComputeSharedMemorySize, the subgroup size; limits.h). No
// kernel depends on the subgroup size for its results: it only steers sizes toward whole
// subgroups.
struct KernelConfig {
  uint32_t group_size = 0;       // threads of the 1-D kernels (elementwise, reduce, softmax, ...)
  uint32_t gemm_tile = 0;        // tiled GEMM: TS x TS threads per 4TS x 4TS tile of c
  uint32_t skinny_lanes = 0;     // skinny GEMM: 16 columns x this many lanes; 0 = cannot run
  uint32_t attention_group = 0;  // fused attention: threads per query row
  uint32_t attention_chunk = 0;  // fused attention: keys whose scores share memory at once
};
const KernelConfig& kernel_config();  // of the chosen device (starts the runtime)
// For tests: lowers the running device's limits as CADENZA_VULKAN_LIMITS does at start-up
// (the same syntax, limits.h). The grid and buffer-range checks see the new values at once;
// the kernels' workgroup and tile sizes stay as chosen at start-up.
// restore_device_limits() returns to the limits the runtime started with.
void lower_device_limits(const std::string& spec);
void restore_device_limits();

// Warnings and errors reported by the validation layer since start-up (0 without it).
uint64_t validation_messages();
bool validation_enabled();

}  // namespace cadenza::vulkan
