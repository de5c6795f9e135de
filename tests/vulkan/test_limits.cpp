// The kernels' workgroup and tile sizes as functions of the device's limits
// (engine/vulkan/limits.h), and the CADENZA_VULKAN_LIMITS override's parsing. Pure
// functions: no device needed. small_limits.cpp runs the kernels under such limits.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <utility>

#include "engine/error.h"
#include "engine/vulkan/limits.h"
#include "vulkan_test_util.h"

namespace cadenza {
namespace {

using vktest::error_of;

VkPhysicalDeviceLimits device_limits(uint32_t invocations, uint32_t shared) {
  VkPhysicalDeviceLimits l{};
  l.maxComputeWorkGroupInvocations = invocations;
  for (int a = 0; a < 3; ++a) l.maxComputeWorkGroupSize[a] = invocations, l.maxComputeWorkGroupCount[a] = 65535;
  l.maxComputeSharedMemorySize = shared;
  l.maxStorageBufferRange = 1u << 27;
  return l;
}

TEST_CASE("vulkan limits: the kernels' sizes follow the device's limits", "[vulkan][limits]") {
  using vulkan::choose_kernel_config;
  // lavapipe, desktop GPUs: the largest sizes the kernels are written for.
  vulkan::KernelConfig big = choose_kernel_config(device_limits(1024, 32768), 8, "big");
  CHECK(big.group_size == 256);
  CHECK(big.gemm_tile == 16);
  CHECK(big.skinny_lanes == 4);
  CHECK(big.attention_group == 64);
  CHECK(big.attention_chunk == 2048);
  // A 64- or 128-wide subgroup gets a skinny workgroup of whole subgroups where possible.
  CHECK(choose_kernel_config(device_limits(1024, 32768), 64, "wave64").skinny_lanes == 4);
  CHECK(choose_kernel_config(device_limits(1024, 32768), 128, "wide").skinny_lanes == 8);
  CHECK(choose_kernel_config(device_limits(1024, 32768), 1, "narrow").skinny_lanes == 4);
  // The spec's minimum (128 invocations, 16 KiB): the tiled GEMM drops to 32x32 tiles.
  vulkan::KernelConfig minimum = choose_kernel_config(device_limits(128, 16384), 32, "minimum");
  CHECK(minimum.group_size == 128);
  CHECK(minimum.gemm_tile == 8);
  CHECK(minimum.skinny_lanes == 4);
  CHECK(minimum.attention_chunk == 2048);
  // Below the spec: shared memory decides the skinny lanes and the attention chunk.
  vulkan::KernelConfig small = choose_kernel_config(device_limits(64, 7168), 8, "small");
  CHECK(small.group_size == 64);
  CHECK(small.gemm_tile == 8);
  CHECK(small.skinny_lanes == 2);
  CHECK(vulkan::skinny_gemm_shared_bytes(2) <= 7168);
  CHECK(small.attention_chunk == 1024);
  CHECK(vulkan::attention_shared_bytes(small.attention_group, small.attention_chunk) <= 7168);
  vulkan::KernelConfig tiny = choose_kernel_config(device_limits(32, 4096), 8, "tiny");
  CHECK(tiny.group_size == 32);
  CHECK(tiny.gemm_tile == 4);
  CHECK(tiny.skinny_lanes == 0);  // 16 x 1 threads would do, 6.5 KiB of shared memory would not
  CHECK(tiny.attention_group == 32);
  CHECK(tiny.attention_chunk == 256);
  // Too small for some kernel: one line naming the device and what it lacks.
  for (auto [inv, shared] : {std::pair{16u, 32768u}, std::pair{1024u, 2048u}}) {
    std::string e = error_of([&] { choose_kernel_config(device_limits(inv, shared), 8, "Tiny GPU"); });
    INFO(e);
    CHECK(e.find("vulkan: Tiny GPU is too small for cadenza's kernels") == 0);
    CHECK(e.find('\n') == std::string::npos);
  }
}

TEST_CASE("vulkan limits: CADENZA_VULKAN_LIMITS lowers limits and only lowers them", "[vulkan][limits]") {
  VkPhysicalDeviceLimits l = device_limits(1024, 32768);
  vulkan::lower_limits(l,
                       "maxComputeSharedMemorySize=8192,maxComputeWorkGroupInvocations=64,"
                       "maxComputeWorkGroupSizeX=32,maxComputeWorkGroupCount=9,maxComputeWorkGroupCountZ=2,"
                       "maxStorageBufferRange=4096");
  CHECK(l.maxComputeSharedMemorySize == 8192);
  CHECK(l.maxComputeWorkGroupInvocations == 64);
  CHECK(l.maxComputeWorkGroupSize[0] == 32);
  CHECK(l.maxComputeWorkGroupSize[1] == 1024);
  CHECK(l.maxComputeWorkGroupCount[0] == 9);
  CHECK(l.maxComputeWorkGroupCount[1] == 9);
  CHECK(l.maxComputeWorkGroupCount[2] == 2);
  CHECK(l.maxStorageBufferRange == 4096);
  CHECK(vulkan::choose_kernel_config(l, 8, "lowered").group_size == 32);  // the x extent bounds it too
  vulkan::lower_limits(l, "");                                            // nothing to lower
  CHECK(l.maxComputeSharedMemorySize == 8192);
  for (const char* bad : {"maxComputeSharedMemorySize=65536", "maxWidgets=3", "maxComputeWorkGroupInvocations",
                          "maxComputeWorkGroupInvocations=-1", "maxComputeWorkGroupInvocations=12k"}) {
    VkPhysicalDeviceLimits copy = l;
    std::string e = error_of([&] { vulkan::lower_limits(copy, bad); });
    INFO(bad << ": " << e);
    CHECK(e.find("CADENZA_VULKAN_LIMITS: ") == 0);
    CHECK(e.find('\n') == std::string::npos);
  }
  CHECK(error_of([&] {
          vulkan::lower_limits(l, "maxComputeSharedMemorySize=65536");
        }).find("is above the device's 8192 (the override can only lower limits)") != std::string::npos);
}

}  // namespace
}  // namespace cadenza
