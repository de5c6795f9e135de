#include "engine/vulkan/extension.h"

#include <map>
#include <mutex>
#include <vector>

#include "engine/error.h"

namespace cadenza::vulkan {
namespace {

constexpr uint32_t kSpirvMagic = 0x07230203;

struct Registered {
  SpirvModule module;
  int times = 0;  // > 1: the name is taken twice
};

// Function-local statics: registrations run during static initialisation, in any order.
struct Extensions {
  std::mutex mutex;
  std::map<std::string, Registered> shaders;
  std::vector<void (*)()> hooks;
  bool started = false;
};
Extensions& extensions() {
  static auto* e = new Extensions;  // never destroyed: registrations may outlive main's statics
  return *e;
}

bool is_builtin(const std::string& name) {
  for (size_t i = 0; i < kSpirvModuleCount; ++i)
    if (name == kSpirvModules[i].name) return true;
  return false;
}

}  // namespace

void register_shader(const char* name, const uint32_t* words, size_t count) {
  Extensions& e = extensions();
  std::lock_guard lock(e.mutex);
  Registered& r = e.shaders[name];
  r.module = {name, words, count};
  r.times += is_builtin(name) ? 2 : 1;
}

const SpirvModule* find_registered_shader(const std::string& name) {
  Extensions& e = extensions();
  std::lock_guard lock(e.mutex);
  auto it = e.shaders.find(name);
  if (it == e.shaders.end()) return nullptr;
  const Registered& r = it->second;
  CADENZA_CHECK(r.times == 1,
                "vulkan: shader module '{}' is defined more than once (built in or registered); rename one", name);
  CADENZA_CHECK(r.module.count >= 5 && r.module.words[0] == kSpirvMagic,
                "vulkan: shader module '{}' is not SPIR-V ({} words, first 0x{:08x}; expected magic 0x{:08x})", name,
                r.module.count, r.module.count ? r.module.words[0] : 0u, kSpirvMagic);
  return &r.module;
}

void on_start(void (*fn)()) {
  Extensions& e = extensions();
  {
    std::lock_guard lock(e.mutex);
    if (!e.started) {
      e.hooks.push_back(fn);
      return;
    }
  }
  fn();
}

void run_start_hooks() {
  Extensions& e = extensions();
  std::vector<void (*)()> hooks;
  {
    std::lock_guard lock(e.mutex);
    e.started = true;
    hooks.swap(e.hooks);
  }
  for (auto fn : hooks) fn();
}

}  // namespace cadenza::vulkan
