#include "live/lv2/plugin_state.h"

#include <cstdio>
#include <string>

#include "live/lv2/plugin.h"

namespace cadenza::live::lv2 {
namespace {

LV2_State_Status save(LV2_Handle h, LV2_State_Store_Function store, LV2_State_Handle handle, uint32_t,
                      const LV2_Feature* const*) {
  auto* p = static_cast<Plugin*>(h);
  const std::string& name = p->model_name;
  return store(handle, p->uris.model, name.c_str(), name.size() + 1, p->uris.atom_string,
               LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE);
}

// Not concurrent with run() (the LV2 state threading rules), so the engine may be replaced.
LV2_State_Status restore(LV2_Handle h, LV2_State_Retrieve_Function retrieve, LV2_State_Handle handle, uint32_t,
                         const LV2_Feature* const*) {
  auto* p = static_cast<Plugin*>(h);
  size_t size = 0;
  uint32_t type = 0, flags = 0;
  const void* value = retrieve(handle, p->uris.model, &size, &type, &flags);
  if (!value) return LV2_STATE_SUCCESS;  // an older session: keep the model
  if (type != p->uris.atom_string && type != p->uris.atom_path) return LV2_STATE_ERR_BAD_TYPE;
  const std::string name(static_cast<const char*>(value), size > 0 ? size - 1 : 0);
  if (name == p->model_name) return LV2_STATE_SUCCESS;
  try {
    p->load(name);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cadenza lv2: cannot restore model '%s': %s\n", name.c_str(), e.what());
    return LV2_STATE_ERR_UNKNOWN;  // the model loaded before stays
  }
  return LV2_STATE_SUCCESS;
}

}  // namespace

const LV2_State_Interface* state_interface() {
  static const LV2_State_Interface iface{save, restore};
  return &iface;
}

}  // namespace cadenza::live::lv2
