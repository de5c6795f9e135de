// libFuzzer entry point for the MIDI reader; the checks live in midi_check.h.
#include <cstdlib>

#include "fuzz/midi_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!cadenza::music::fuzz::midi_bytes_survive({data, size})) std::abort();
  return 0;
}
