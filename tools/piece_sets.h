// The sets of pieces `cadenza compare` measures, read whole as Scores: a folder of MIDI
// files (all of them, or one split of the data stage's split by file name,
// music/dataset/split.h), or one split of a JSON piano-roll corpus as the data stage
// reads it (models/data_stages.h), or of a chorale corpus with its voices kept apart
// (Jsb16thSeparated.json: [S, A, T, B] per step), read as four tracks.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "music/score/score.h"

namespace cadenza::tools {

struct PieceSet {
  std::string description;  // "DIR: 20 pieces", "FILE, test split: 77 pieces"
  std::vector<music::Score> pieces;
};

struct CorpusReading {
  std::string split;          // "" for a MIDI folder: every file
  int steps_per_quarter = 0;  // a roll corpus's grid; 0: from the file name (models/data.h)
  bool separated = false;     // a JSON corpus of [S, A, T, B] steps
  // Each piece as this representation sees it, encoded and decoded again ("melody": the
  // top line a melody model learns; "trio": melody, bass and drums). "": as read.
  std::string as;
};

// A folder of MIDI files or a JSON corpus. Throws one line on a missing path, an empty
// set, unreadable MIDI files (each named, and counted) or an unknown representation.
PieceSet read_piece_set(const std::filesystem::path& path, const CorpusReading& reading);

// Every piece cut into consecutive excerpts of `beats` quarter notes (music::excerpt),
// the last kept when it lasts half of that or more: sets of pieces of one length, so a
// length-bound feature (pitch range, pitches used) compares like with like.
void cut_into_excerpts(PieceSet& set, double beats);

}  // namespace cadenza::tools
