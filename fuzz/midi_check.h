// What the MIDI fuzzer checks on every input, shared with the regression test that
// replays tests/music/regressions/: reading (strict and lenient) either succeeds or
// throws MidiError; a lenient read converts to a Score, writes back to bytes, and those
// bytes read back strictly with the same number of notes.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "music/midi/midi_error.h"
#include "music/midi/read_midi.h"
#include "music/midi/write_midi.h"
#include "music/score/midi_convert.h"

namespace cadenza::music::fuzz {

// False if the write/re-read invariant fails; unexpected exceptions propagate.
inline bool midi_bytes_survive(std::span<const uint8_t> bytes) {
  try {
    midi::read_midi(bytes, {.strict = true});
  } catch (const midi::MidiError&) {
  }
  Score score;
  try {
    score = score_from_midi(midi::read_midi(bytes));
  } catch (const midi::MidiError&) {
    return true;  // nothing to recover: a clean refusal
  }
  std::vector<uint8_t> out;
  try {
    out = midi::write_midi(midi_from_score(score));
  } catch (const std::invalid_argument&) {
    return true;  // more parts than one SMF can hold: a clean refusal
  }
  return score_from_midi(midi::read_midi(out, {.strict = true})).note_count() == score.note_count();
}

}  // namespace cadenza::music::fuzz
