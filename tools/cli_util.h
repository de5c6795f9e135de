// Small helpers shared by the subcommands.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/device.h"
#include "music/midi/read_midi.h"
#include "music/score/score.h"

namespace cadenza::tools {

// Lower-case extension with the dot (".mid"), for choosing a format by file name.
std::string extension_of(const std::filesystem::path& path);

// Throws with a clear reason if `path` is not an existing regular file.
void require_file(const std::filesystem::path& path);

// Prints lenient-mode recoveries to stderr as "cadenza: warning: FILE: ...".
void print_warnings(const std::filesystem::path& path, const std::vector<std::string>& warnings);

// Reads a MIDI file into a Score (lenient unless strict), printing any warnings.
music::Score read_midi_score(const std::filesystem::path& path, bool strict = false);

// Throws unless `out` names a .mid / .midi file.
void require_midi_out(const std::filesystem::path& out);

// Writes `score` to `out` (MIDI, its folder created) and a piano-roll PNG beside it
// (out with .png); prints "wrote OUT (T tracks, N notes) and PNG".
void write_midi_and_png(const music::Score& score, const std::filesystem::path& out);

// Writes `text` to `path`, throwing with the path on failure.
void write_text_file(const std::filesystem::path& path, const std::string& text);

// The device named by --device ("cpu", "vulkan", "vulkan:N"), started and ready. For
// vulkan:N it sets CADENZA_VULKAN_DEVICE=N before the runtime starts. An unknown name, a
// build without Vulkan or no usable device throws one line saying why.
Device select_device(const std::string& spec);

}  // namespace cadenza::tools
