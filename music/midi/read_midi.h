#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "music/midi/midi_file.h"

namespace cadenza::music::midi {

struct ReadOptions {
  // Strict: the first departure from SMF 1.0 throws MidiError (reason + byte offset).
  // Lenient (default): recover what can be recovered (truncated tracks, wrong chunk
  // lengths, missing End-of-Track, illegal status bytes, running status across
  // meta/SysEx) and record each recovery in MidiFile::warnings.
  bool strict = false;
};

// Parses an SMF from memory. Never reads past `bytes`, never loops without consuming
// input, and allocates at most a constant factor of bytes.size(). Throws MidiError
// when nothing sensible can be recovered (no MThd, truncated header).
MidiFile read_midi(std::span<const uint8_t> bytes, const ReadOptions& options = {});

// The whole file's bytes; throws std::runtime_error if it cannot be opened or read.
std::vector<uint8_t> read_file_bytes(const std::filesystem::path& path);

// Reads the whole file then parses it; throws std::runtime_error if it cannot be opened.
MidiFile read_midi_file(const std::filesystem::path& path, const ReadOptions& options = {});

}  // namespace cadenza::music::midi
