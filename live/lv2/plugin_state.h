#pragma once
// The plugin's session state (LV2 state extension): the model's name (zoo name or run
// directory). The controls are ports, which the host saves itself.
#include <lv2/state/state.h>

namespace cadenza::live::lv2 {

const LV2_State_Interface* state_interface();

}  // namespace cadenza::live::lv2
