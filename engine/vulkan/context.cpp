#include "engine/vulkan/context.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "engine/vulkan/limits.h"
#include "engine/vulkan/pipelines.h"
#include "engine/vulkan/runtime.h"
#include "engine/vulkan/stream.h"

namespace cadenza::vulkan {
namespace {

std::atomic<uint64_t> g_validation_messages{0};
bool g_validation = false;

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::strcmp(v, "0") != 0;
}

VKAPI_ATTR VkBool32 VKAPI_CALL on_debug_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                VkDebugUtilsMessageTypeFlagsEXT,
                                                const VkDebugUtilsMessengerCallbackDataEXT* data, void*) {
  if (severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) {
    ++g_validation_messages;
    fmt::print(stderr, "vulkan validation: {}\n", data && data->pMessage ? data->pMessage : "(no message)");
  }
  return VK_FALSE;
}

bool has_layer(const char* name) {
  uint32_t n = 0;
  vkEnumerateInstanceLayerProperties(&n, nullptr);
  std::vector<VkLayerProperties> layers(n);
  vkEnumerateInstanceLayerProperties(&n, layers.data());
  return std::any_of(layers.begin(), layers.end(), [&](auto& l) { return std::strcmp(l.layerName, name) == 0; });
}

bool has_instance_extension(const char* name) {
  uint32_t n = 0;
  vkEnumerateInstanceExtensionProperties(nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> ext(n);
  vkEnumerateInstanceExtensionProperties(nullptr, &n, ext.data());
  return std::any_of(ext.begin(), ext.end(), [&](auto& e) { return std::strcmp(e.extensionName, name) == 0; });
}

bool has_device_extension(VkPhysicalDevice d, const char* name) {
  uint32_t n = 0;
  vkEnumerateDeviceExtensionProperties(d, nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> ext(n);
  vkEnumerateDeviceExtensionProperties(d, nullptr, &n, ext.data());
  return std::any_of(ext.begin(), ext.end(), [&](auto& e) { return std::strcmp(e.extensionName, name) == 0; });
}

// An instance with the validation layer when asked for (and then its messenger).
// `quiet`: no layer, no messages (the device listing's own short-lived instance).
VkInstance create_instance(VkDebugUtilsMessengerEXT& messenger, bool quiet = false) {
  load_vulkan();
  auto app = vk_struct<VkApplicationInfo>(VK_STRUCTURE_TYPE_APPLICATION_INFO);
  app.pApplicationName = "cadenza";
  app.pEngineName = "cadenza";
  app.apiVersion = VK_API_VERSION_1_1;  // the shaders target SPIR-V 1.3 (Vulkan 1.1)
  std::vector<const char*> layers, extensions;
  auto info = vk_struct<VkInstanceCreateInfo>(VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO);
  // MoltenVK and other non-conformant drivers only show up when asked for.
  if (has_instance_extension(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME)) {
    extensions.push_back(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME);
    info.flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
  }
  if (!quiet && env_flag("CADENZA_VULKAN_VALIDATION")) {
    if (has_layer("VK_LAYER_KHRONOS_validation") && has_instance_extension(VK_EXT_DEBUG_UTILS_EXTENSION_NAME)) {
      layers.push_back("VK_LAYER_KHRONOS_validation");
      extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
      g_validation = true;
    } else {
      fmt::print(stderr, "cadenza: CADENZA_VULKAN_VALIDATION=1 but VK_LAYER_KHRONOS_validation is not installed\n");
    }
  }
  info.pApplicationInfo = &app;
  info.enabledLayerCount = static_cast<uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  auto dbg = vk_struct<VkDebugUtilsMessengerCreateInfoEXT>(VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT);
  dbg.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  dbg.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                    VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  dbg.pfnUserCallback = &on_debug_message;
  if (g_validation) info.pNext = &dbg;  // also catches messages from vkCreateInstance itself
  VkInstance instance = VK_NULL_HANDLE;
  VkResult r = vkCreateInstance(&info, nullptr, &instance);
  if (r == VK_ERROR_INCOMPATIBLE_DRIVER)
    fail("no Vulkan driver found (the loader reported VK_ERROR_INCOMPATIBLE_DRIVER)");
  check_vk(r, "vkCreateInstance");
  load_instance_functions(instance);
  if (g_validation) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT"));
    if (create) check_vk(create(instance, &dbg, nullptr, &messenger), "vkCreateDebugUtilsMessengerEXT");
  }
  return instance;
}

std::vector<VkPhysicalDevice> physical_devices(VkInstance instance) {
  uint32_t n = 0;
  check_vk(vkEnumeratePhysicalDevices(instance, &n, nullptr), "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDevice> devs(n);
  check_vk(vkEnumeratePhysicalDevices(instance, &n, devs.data()), "vkEnumeratePhysicalDevices");
  return devs;
}

const char* type_name(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
    default: return "other";
  }
}

// Lower is better: discrete, integrated, virtual, CPU (lavapipe), anything else.
int type_rank(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
    default: return 4;
  }
}

int compute_family(VkPhysicalDevice d) {
  uint32_t n = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(d, &n, nullptr);
  std::vector<VkQueueFamilyProperties> fam(n);
  vkGetPhysicalDeviceQueueFamilyProperties(d, &n, fam.data());
  // Prefer a compute-only family (async compute on GPUs), else any with compute.
  int any = -1;
  for (uint32_t i = 0; i < n; ++i) {
    if (!(fam[i].queueFlags & VK_QUEUE_COMPUTE_BIT)) continue;
    if (!(fam[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)) return static_cast<int>(i);
    if (any < 0) any = static_cast<int>(i);
  }
  return any;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

VkPhysicalDevice choose_device(const std::vector<VkPhysicalDevice>& devs) {
  if (devs.empty()) fail("the Vulkan loader found no device");
  const char* want = std::getenv("CADENZA_VULKAN_DEVICE");
  if (want && *want) {
    std::string w = want;
    bool numeric = std::all_of(w.begin(), w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (numeric) {
      size_t i = std::stoul(w);
      if (i >= devs.size()) fail("CADENZA_VULKAN_DEVICE={}: only {} device(s) (see `cadenza devices`)", w, devs.size());
      if (compute_family(devs[i]) < 0) fail("CADENZA_VULKAN_DEVICE={}: device has no compute queue", w);
      return devs[i];
    }
    for (VkPhysicalDevice d : devs) {
      VkPhysicalDeviceProperties p;
      vkGetPhysicalDeviceProperties(d, &p);
      if (lower(p.deviceName).find(lower(w)) != std::string::npos && compute_family(d) >= 0) return d;
    }
    fail("CADENZA_VULKAN_DEVICE={}: no device name contains it", w);
  }
  VkPhysicalDevice best = VK_NULL_HANDLE;
  int best_rank = 1 << 30;
  for (VkPhysicalDevice d : devs) {
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(d, &p);
    if (compute_family(d) < 0 || p.apiVersion < VK_API_VERSION_1_1) continue;
    if (type_rank(p.deviceType) < best_rank) best = d, best_rank = type_rank(p.deviceType);
  }
  if (!best) fail("no Vulkan 1.1 device with a compute queue");
  return best;
}

Context* create_context() {
  auto* c = new Context;
  c->instance = create_instance(c->messenger);
  c->physical = choose_device(physical_devices(c->instance));
  vkGetPhysicalDeviceProperties(c->physical, &c->props);
  auto subgroup = vk_struct<VkPhysicalDeviceSubgroupProperties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES);
  auto props2 = vk_struct<VkPhysicalDeviceProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2);
  props2.pNext = &subgroup;
  vkGetPhysicalDeviceProperties2(c->physical, &props2);
  c->subgroup_size = subgroup.subgroupSize;
  if (const char* lowered = std::getenv("CADENZA_VULKAN_LIMITS"); lowered && *lowered)
    lower_limits(c->props.limits, lowered);
  c->config = choose_kernel_config(c->props.limits, c->subgroup_size, c->props.deviceName);
  c->start_limits = c->props.limits;
  if (c->props.limits.maxPerStageDescriptorStorageBuffers < kMaxBindings)
    fail("{} allows {} storage buffers per shader stage; cadenza's kernels need {}", c->props.deviceName,
         c->props.limits.maxPerStageDescriptorStorageBuffers, kMaxBindings);
  vkGetPhysicalDeviceMemoryProperties(c->physical, &c->memory);
  c->queue_family = static_cast<uint32_t>(compute_family(c->physical));

  VkPhysicalDeviceFeatures have{};
  vkGetPhysicalDeviceFeatures(c->physical, &have);
  VkPhysicalDeviceFeatures want{};
  want.shaderInt64 = have.shaderInt64;
  want.shaderFloat64 = have.shaderFloat64;
  c->int64 = have.shaderInt64;
  c->float64 = have.shaderFloat64;
  // 16-bit storage (core since 1.1, optional): the f16-weight GEMM reads halves straight
  // from the buffer. CADENZA_VULKAN_F16=0 leaves it off, as on a device without it.
  auto storage16 =
      vk_struct<VkPhysicalDevice16BitStorageFeatures>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES);
  auto features2 = vk_struct<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2);
  features2.pNext = &storage16;
  vkGetPhysicalDeviceFeatures2(c->physical, &features2);
  const char* f16_env = std::getenv("CADENZA_VULKAN_F16");
  c->f16_storage = storage16.storageBuffer16BitAccess == VK_TRUE && !(f16_env && std::strcmp(f16_env, "0") == 0);
  auto want16 =
      vk_struct<VkPhysicalDevice16BitStorageFeatures>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES);
  want16.storageBuffer16BitAccess = c->f16_storage ? VK_TRUE : VK_FALSE;

  float priority = 1.0f;
  auto q = vk_struct<VkDeviceQueueCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO);
  q.queueFamilyIndex = c->queue_family;
  q.queueCount = 1;
  q.pQueuePriorities = &priority;
  std::vector<const char*> extensions;
  // The spec requires enabling it where it exists (MoltenVK).
  if (has_device_extension(c->physical, "VK_KHR_portability_subset")) extensions.push_back("VK_KHR_portability_subset");
  auto info = vk_struct<VkDeviceCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO);
  info.pNext = &want16;
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &q;
  info.pEnabledFeatures = &want;
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  check_vk(vkCreateDevice(c->physical, &info, nullptr, &c->device), "vkCreateDevice");
  vkGetDeviceQueue(c->device, c->queue_family, 0, &c->queue);

  uint32_t n = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(c->physical, &n, nullptr);
  std::vector<VkQueueFamilyProperties> fam(n);
  vkGetPhysicalDeviceQueueFamilyProperties(c->physical, &n, fam.data());
  c->timestamps = fam[c->queue_family].timestampValidBits > 0 && c->props.limits.timestampPeriod > 0;
  return c;
}

}  // namespace

const char* result_name(VkResult r) {
  switch (r) {
    case VK_SUCCESS: return "VK_SUCCESS";
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_OUT_OF_POOL_MEMORY: return "VK_ERROR_OUT_OF_POOL_MEMORY";
    default: return "VkResult";
  }
}

void check_vk(VkResult r, const char* what) {
  if (r != VK_SUCCESS) fail("vulkan: {} failed: {} ({})", what, result_name(r), static_cast<int>(r));
}

Context& context() {
  // Never destroyed: tensors held by static objects may release their buffers during exit,
  // after any destructor here would have run.
  static Context* c = create_context();
  return *c;
}

std::vector<DeviceInfo> list_devices() {
  // Its own short-lived instance, so the listing works whatever CADENZA_VULKAN_DEVICE says
  // and whether or not the runtime has started. Throws (one line) without a loader or driver.
  VkDebugUtilsMessengerEXT none = VK_NULL_HANDLE;
  VkInstance inst = create_instance(none, true);
  std::vector<DeviceInfo> out;
  std::vector<VkPhysicalDevice> devs = physical_devices(inst);
  for (size_t i = 0; i < devs.size(); ++i) {
    auto subgroup =
        vk_struct<VkPhysicalDeviceSubgroupProperties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES);
    auto props = vk_struct<VkPhysicalDeviceProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2);
    props.pNext = &subgroup;
    vkGetPhysicalDeviceProperties2(devs[i], &props);
    auto storage16 =
        vk_struct<VkPhysicalDevice16BitStorageFeatures>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES);
    auto features = vk_struct<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2);
    features.pNext = &storage16;
    vkGetPhysicalDeviceFeatures2(devs[i], &features);
    VkPhysicalDeviceMemoryProperties mem;
    vkGetPhysicalDeviceMemoryProperties(devs[i], &mem);
    uint64_t local = 0;
    for (uint32_t h = 0; h < mem.memoryHeapCount; ++h)
      if (mem.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) local += mem.memoryHeaps[h].size;
    const VkPhysicalDeviceProperties& p = props.properties;
    out.push_back({static_cast<int>(i), p.deviceName, type_name(p.deviceType),
                   fmt::format("{}.{}.{}", VK_API_VERSION_MAJOR(p.apiVersion), VK_API_VERSION_MINOR(p.apiVersion),
                               VK_API_VERSION_PATCH(p.apiVersion)),
                   local, subgroup.subgroupSize, storage16.storageBuffer16BitAccess == VK_TRUE,
                   features.features.shaderInt64 == VK_TRUE, features.features.shaderFloat64 == VK_TRUE,
                   compute_family(devs[i]) >= 0});
  }
  vkDestroyInstance(inst, nullptr);
  return out;
}

std::string device_name() { return context().props.deviceName; }
const KernelConfig& kernel_config() { return context().config; }

void lower_device_limits(const std::string& spec) {
  std::lock_guard lock(runtime_mutex());
  lower_limits(context().props.limits, spec);
}

void restore_device_limits() {
  std::lock_guard lock(runtime_mutex());
  context().props.limits = context().start_limits;
}

uint64_t validation_messages() { return g_validation_messages.load(); }
bool validation_enabled() { return g_validation; }

}  // namespace cadenza::vulkan
