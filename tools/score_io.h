// Reading and writing scores by file extension, shared by convert and render:
//   .mid/.midi  Standard MIDI File
//   .json       piano-roll corpus ({"<split>": [piece, ...]}), one piece at a time
//   .tok        token file (the representation is named in its first line)
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "music/score/score.h"

namespace cadenza::tools {

struct ScoreIoOptions {
  bool strict = false;                         // MIDI input: refuse any departure from SMF 1.0
  std::string split;                           // JSON input: split to read (default: first present)
  size_t piece = 0;                            // JSON input: index of the piece
  int steps_per_quarter = 4;                   // JSON in/out: grid of the roll (JSB quarter: 1)
  std::string representation = "performance";  // .tok output
};

// Registers --strict, --split, --piece, --steps-per-quarter, --repr on `cmd`.
void add_score_io_options(CLI::App& cmd, ScoreIoOptions& options);

music::Score load_score(const std::filesystem::path& path, const ScoreIoOptions& options);
void save_score(const music::Score& score, const std::filesystem::path& path, const ScoreIoOptions& options);

}  // namespace cadenza::tools
