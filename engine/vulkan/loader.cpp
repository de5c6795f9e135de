#include "engine/vulkan/loader.h"

#include <dlfcn.h>

#include "engine/error.h"

namespace cadenza::vulkan {

#define CADENZA_VK_DEFINE(name) PFN_##name name = nullptr;
PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr = nullptr;
CADENZA_VK_GLOBAL_FUNCTIONS(CADENZA_VK_DEFINE)
CADENZA_VK_INSTANCE_FUNCTIONS(CADENZA_VK_DEFINE)
#undef CADENZA_VK_DEFINE

namespace {

template <class Fn>
void resolve(Fn& fn, VkInstance instance, const char* name) {
  fn = reinterpret_cast<Fn>(vkGetInstanceProcAddr(instance, name));
  if (!fn) fail("the Vulkan loader lacks {} (a Vulkan 1.1 loader is needed)", name);
}

}  // namespace

void load_vulkan() {
  static const bool loaded = [] {
#if defined(__APPLE__)
    const char* names[] = {"libvulkan.1.dylib", "libMoltenVK.dylib"};
#else
    const char* names[] = {"libvulkan.so.1", "libvulkan.so"};
#endif
    void* lib = nullptr;
    for (const char* n : names)
      if ((lib = dlopen(n, RTLD_NOW | RTLD_LOCAL))) break;
    if (!lib) fail("no Vulkan loader ({}): {}", names[0], dlerror());
    vkGetInstanceProcAddr = reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(lib, "vkGetInstanceProcAddr"));
    if (!vkGetInstanceProcAddr) fail("the Vulkan loader {} has no vkGetInstanceProcAddr", names[0]);
#define CADENZA_VK_RESOLVE(name) resolve(name, VK_NULL_HANDLE, #name);
    CADENZA_VK_GLOBAL_FUNCTIONS(CADENZA_VK_RESOLVE)
#undef CADENZA_VK_RESOLVE
    return true;
  }();
  (void)loaded;
}

void load_instance_functions(VkInstance instance) {
#define CADENZA_VK_RESOLVE(name) resolve(name, instance, #name);
  CADENZA_VK_INSTANCE_FUNCTIONS(CADENZA_VK_RESOLVE)
#undef CADENZA_VK_RESOLVE
}

}  // namespace cadenza::vulkan
