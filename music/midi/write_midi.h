#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "music/midi/midi_file.h"

namespace cadenza::music::midi {

// Serialises to SMF bytes: MThd + one MTrk per track, events in the given order with
// delta times, running status for consecutive channel events of the same status, and an
// End-of-Track at max(track.end_tick, last event tick). Meta End-of-Track events inside
// `events` are not expected (the reader never stores them).
std::vector<uint8_t> write_midi(const MidiFile& file);

void write_midi_file(const MidiFile& file, const std::filesystem::path& path);

}  // namespace cadenza::music::midi
