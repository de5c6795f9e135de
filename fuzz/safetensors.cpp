// libFuzzer entry point for the safetensors reader; the checks live in safetensors_check.h.
#include <cstdlib>

#include "fuzz/safetensors_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!cadenza::serialize::fuzz::safetensors_bytes_survive({data, size})) std::abort();
  return 0;
}
