// libFuzzer entry point: any byte string through the reader (lenient and strict), the
// score conversion and the writer; our own output must then read back strictly.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "music/midi/midi_error.h"
#include "music/midi/read_midi.h"
#include "music/midi/write_midi.h"
#include "music/score/midi_convert.h"

using namespace cadenza::music;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  try {
    midi::read_midi(bytes, {.strict = true});
  } catch (const midi::MidiError&) {
  }
  try {
    const Score score = score_from_midi(midi::read_midi(bytes));
    const std::vector<uint8_t> out = midi::write_midi(midi_from_score(score));
    const Score again = score_from_midi(midi::read_midi(out, {.strict = true}));
    if (again.note_count() != score.note_count()) std::abort();
  } catch (const midi::MidiError&) {
  }
  return 0;
}
