// Score <-> MIDI. Reading pairs notes FIFO per (MTrk, channel, pitch): a note-off (or a
// note-on with velocity 0) ends the oldest sounding note of that key; notes still
// sounding at End-of-Track end there. Each (MTrk, channel) with channel events becomes
// one Track, in order of first appearance. Tempo, time and key signatures from any MTrk
// form the global maps. Writing gives format 1: a conductor MTrk, then one MTrk per Track.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "music/midi/midi_file.h"
#include "music/midi/read_midi.h"
#include "music/score/score.h"

namespace cadenza::music {

Score score_from_midi(const midi::MidiFile& file);
midi::MidiFile midi_from_score(const Score& score);

// read_midi + score_from_midi in one pass, without building the MidiFile's events;
// lenient-mode warnings are appended to `warnings`.
Score score_from_midi_bytes(std::span<const uint8_t> bytes, const midi::ReadOptions& options = {},
                            std::vector<std::string>* warnings = nullptr);

// read_midi_file + score_from_midi (through score_from_midi_bytes); lenient-mode warnings are appended to `warnings`.
Score load_midi(const std::filesystem::path& path, const midi::ReadOptions& options = {},
                std::vector<std::string>* warnings = nullptr);
void save_midi(const Score& score, const std::filesystem::path& path);

}  // namespace cadenza::music
