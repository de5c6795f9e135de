// cadenza devices: what the program can compute on — the CPU (with its thread count) and
// every Vulkan device the loader sees, from an enumeration of its own so the listing works
// even when CADENZA_VULKAN_DEVICE names no device. Without a loader or driver: one line,
// and exit status 0 (the CPU is always there).
#include <fmt/format.h>

#include <cstdlib>

#include "engine/cpu/parallel.h"
#include "tools/commands.h"
#ifdef CADENZA_HAVE_VULKAN
#include "engine/vulkan/runtime.h"
#endif

namespace cadenza::tools {
namespace {

void list_vulkan() {
#ifdef CADENZA_HAVE_VULKAN
  std::vector<vulkan::DeviceInfo> devices;
  try {
    devices = vulkan::list_devices();
  } catch (const std::exception& e) {
    fmt::print("vulkan: unavailable: {}\n", e.what());
    return;
  }
  if (devices.empty()) {
    fmt::print("vulkan: unavailable: the loader found no device\n");
    return;
  }
  for (const vulkan::DeviceInfo& d : devices)
    fmt::print("vulkan:{}  {} ({}, Vulkan {}), {:.1f} GiB, subgroup {}, f16 storage {}, int64 {}, f64 {}{}\n", d.index,
               d.name, d.type, d.api, static_cast<double>(d.memory_bytes) / (1 << 30), d.subgroup_size,
               d.f16_storage ? "yes" : "no", d.int64 ? "yes" : "no", d.float64 ? "yes" : "no",
               d.compute ? "" : " (no compute queue: unusable)");
  if (const char* want = std::getenv("CADENZA_VULKAN_DEVICE"); want && *want)
    fmt::print("CADENZA_VULKAN_DEVICE={}\n", want);
#else
  fmt::print("vulkan: unavailable: this build has no Vulkan backend (no Vulkan headers or glslc at build time)\n");
#endif
}

}  // namespace

void add_devices_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("devices", "List the CPU and the Vulkan devices cadenza can use");
  cmd->callback([] {
    fmt::print("cpu  {} threads\n", cpu::num_threads());
    list_vulkan();
  });
}

}  // namespace cadenza::tools
