// The JSON piano-roll corpora of shared/data (JSB Chorales, Nottingham, MuseData,
// Piano-midi.de): {"train": [piece, ...], "valid": [...], "test": [...]} (any subset of
// keys), a piece is a list of time steps, a time step a list of MIDI pitches.
//
// Reading normalises each step to sorted distinct integer pitches: floats such as 60.0
// are rounded, duplicates (unisons in the JSB 8th/16th files) merged, and negative
// values (-1 = silent voice in Jsb16thSeparated.json) dropped. Pitches above 127 throw.
// Published NLL figures use an 88-key roll, index pitch - 21 (A0 = 21 .. C8 = 108).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "music/score/score.h"

namespace cadenza::music::repr {

using RollStep = std::vector<int>;        // sorted distinct MIDI pitches
using RollPiece = std::vector<RollStep>;  // one entry per grid step

struct RollCorpus {
  std::map<std::string, std::vector<RollPiece>> splits;  // "train", "valid", "test"
};

inline constexpr int kRollLowestPitch = 21;  // A0
inline constexpr int kRollPitches = 88;      // A0..C8

RollCorpus load_roll_json(const std::filesystem::path& path);
RollCorpus parse_roll_json(const std::string& text);
std::string roll_corpus_to_json(const RollCorpus& corpus);

// A piece as notes: a pitch held over consecutive steps is one note (the format cannot
// tell a held note from a repeated one). One piano track, 120 BPM, velocity 80.
Score roll_piece_to_score(const RollPiece& piece, int steps_per_quarter, int ticks_per_quarter = 480);
// Back to steps: every pitch sounding at a grid step (drums excluded).
RollPiece score_to_roll_piece(const Score& score, int steps_per_quarter);

// Binary frames [steps x kRollPitches], row-major, 1 where pitch 21 + k sounds; pitches
// outside 21..108 throw.
std::vector<uint8_t> roll_piece_to_frames(const RollPiece& piece);

}  // namespace cadenza::music::repr
