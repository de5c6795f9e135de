// Small helpers shared by the subcommands.
#pragma once

#include <CLI/CLI.hpp>
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

// Where a command that makes music writes it: --out FILE.mid, and --png PATH|none for the
// piano-roll picture drawn from it (default FILE.png beside it; none: no picture). Every
// file is replaced atomically, and each one written is printed.
struct MidiOutput {
  std::string midi, png;
  // Registers --out (required; `what` describes it) and --png on `cmd`.
  void add_options(CLI::App& cmd, const std::string& what);
  // Throws unless --out names a .mid / .midi file and --png a .png file or "none".
  void check() const;
  // Writes output i of n (FILE-i.mid and PNG-i.png when n > 1), creating the folder, and
  // prints "wrote FILE (T tracks, N notes)" and "wrote PNG".
  void write(const music::Score& score, int64_t i = 1, int64_t n = 1) const;
};

// Registers --checkpoint (alias --model) on `cmd`: a run directory written by cadenza train
// (its last checkpoint), one of its checkpoint files (DIR/best.safetensors), or the name of
// a zoo model (cadenza models). `what` says which models the command takes.
CLI::Option* add_checkpoint_option(CLI::App& cmd, std::string& into, const std::string& what = "");

// Writes `text` to `path` atomically (engine/serialize/atomic_file.h).
void write_text_file(const std::filesystem::path& path, const std::string& text);

// The device named by --device ("cpu", "vulkan", "vulkan:N"), started and ready. For
// vulkan:N it sets CADENZA_VULKAN_DEVICE=N before the runtime starts. An unknown name, a
// build without Vulkan or no usable device throws one line saying why.
Device select_device(const std::string& spec);

}  // namespace cadenza::tools
