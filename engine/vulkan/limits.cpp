#include "engine/vulkan/limits.h"

#include <algorithm>
#include <bit>
#include <charconv>

#include "engine/error.h"
#include "engine/vulkan/runtime.h"

namespace cadenza::vulkan {
namespace {

// The sizes the kernels are written for (shaders/*.comp): the 1-D kernels' largest
// workgroup, the skinny GEMM's rows, columns and K slice, the fused attention's head size.
constexpr uint32_t kMaxGroup = 256, kSkinnyTileRows = 8, kSkinnyCols = 16, kSkinnySlice = 64;
constexpr uint32_t kAttentionMaxDim = 256, kAttentionMaxGroup = 64, kAttentionMaxChunk = 2048;

uint32_t pow2_floor(uint64_t v) {
  return v == 0 ? 0 : static_cast<uint32_t>(std::bit_floor(std::min<uint64_t>(v, 1u << 31)));
}

template <class T>
void lower(T& limit, uint64_t value, const std::string& name) {
  if (value > limit)
    fail("CADENZA_VULKAN_LIMITS: {}={} is above the device's {} (the override can only lower limits)", name, value,
         static_cast<uint64_t>(limit));
  limit = static_cast<T>(value);
}

}  // namespace

void lower_limits(VkPhysicalDeviceLimits& limits, const std::string& spec) {
  size_t start = 0;
  while (start < spec.size()) {
    size_t end = spec.find(',', start);
    if (end == std::string::npos) end = spec.size();
    const std::string item = spec.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    const std::string name = item.substr(0, eq);
    uint64_t value = 0;
    const char* first = eq == std::string::npos ? nullptr : item.data() + eq + 1;
    const char* last = item.data() + item.size();
    std::from_chars_result parsed{nullptr, std::errc::invalid_argument};
    if (first) parsed = std::from_chars(first, last, value);
    if (!first || first == last || parsed.ec != std::errc() || parsed.ptr != last)
      fail("CADENZA_VULKAN_LIMITS: '{}' is not name=<non-negative integer>", item);
    auto axes = [&](uint32_t* three, const char* base) {
      if (name == base) {
        for (int a = 0; a < 3; ++a) lower(three[a], value, name);
        return true;
      }
      for (int a = 0; a < 3; ++a)
        if (name == std::string(base) + "XYZ"[a]) {
          lower(three[a], value, name);
          return true;
        }
      return false;
    };
    if (name == "maxComputeSharedMemorySize")
      lower(limits.maxComputeSharedMemorySize, value, name);
    else if (name == "maxComputeWorkGroupInvocations")
      lower(limits.maxComputeWorkGroupInvocations, value, name);
    else if (name == "maxStorageBufferRange")
      lower(limits.maxStorageBufferRange, value, name);
    else if (axes(limits.maxComputeWorkGroupSize, "maxComputeWorkGroupSize")) {
    } else if (axes(limits.maxComputeWorkGroupCount, "maxComputeWorkGroupCount")) {
    } else {
      fail(
          "CADENZA_VULKAN_LIMITS: unknown limit '{}' (known: maxComputeSharedMemorySize, "
          "maxComputeWorkGroupInvocations, maxComputeWorkGroupSize[X|Y|Z], maxComputeWorkGroupCount[X|Y|Z], "
          "maxStorageBufferRange)",
          name);
    }
  }
}

uint32_t tiled_gemm_shared_bytes(uint32_t tile) { return 2 * 16 * 4 * tile * 4; }
uint32_t skinny_gemm_shared_bytes(uint32_t lanes) {
  return 4 * (kSkinnyTileRows * kSkinnySlice + kSkinnySlice * kSkinnyCols + lanes * kSkinnyTileRows * kSkinnyCols);
}
uint32_t attention_shared_bytes(uint32_t group, uint32_t chunk) { return 4 * (chunk + 2 * kAttentionMaxDim + group); }

KernelConfig choose_kernel_config(const VkPhysicalDeviceLimits& limits, uint32_t subgroup_size,
                                  const std::string& device) {
  // Every kernel's workgroup is 1-D: both the invocation limit and the x extent bound it.
  const uint64_t threads = std::min(limits.maxComputeWorkGroupInvocations, limits.maxComputeWorkGroupSize[0]);
  const uint64_t shared = limits.maxComputeSharedMemorySize;
  KernelConfig k;
  // The reduce tree holds one partial per thread, 8 bytes for i64.
  k.group_size = pow2_floor(std::min<uint64_t>({kMaxGroup, threads, shared / 8}));
  for (uint32_t ts : {16u, 8u, 4u})
    if (uint64_t{ts} * ts <= threads && tiled_gemm_shared_bytes(ts) <= shared) {
      k.gemm_tile = ts;
      break;
    }
  // Lanes: a whole subgroup per workgroup where it is wider than 64 threads (4 lanes), at
  // most 8; fewer when the workgroup or shared-memory limit says so.
  uint32_t lanes = std::clamp<uint32_t>(subgroup_size / kSkinnyCols, 4, 8);
  while (lanes > 0 && (uint64_t{lanes} * kSkinnyCols > threads || skinny_gemm_shared_bytes(lanes) > shared)) lanes /= 2;
  k.skinny_lanes = lanes;
  k.attention_group = pow2_floor(std::min<uint64_t>(kAttentionMaxGroup, threads));
  const uint64_t fixed = attention_shared_bytes(k.attention_group, 0);
  k.attention_chunk = shared > fixed ? pow2_floor(std::min<uint64_t>(kAttentionMaxChunk, (shared - fixed) / 4)) : 0;
  if (k.group_size < 32 || k.gemm_tile == 0 || k.attention_group < 32 || k.attention_chunk < 64)
    fail(
        "vulkan: {} is too small for cadenza's kernels: they need workgroups of at least 32 invocations and "
        "{} bytes of shared memory; it allows {} invocations (x extent {}) and {} bytes",
        device, attention_shared_bytes(32, 64), limits.maxComputeWorkGroupInvocations,
        limits.maxComputeWorkGroupSize[0], limits.maxComputeSharedMemorySize);
  return k;
}

}  // namespace cadenza::vulkan
