// libFuzzer entry point for the JSON piano-roll reader; the checks live in json_roll_check.h.
#include <cstdlib>

#include "fuzz/json_roll_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!cadenza::music::fuzz::roll_json_survives({data, size})) std::abort();
  return 0;
}
