// What the JSON piano-roll fuzzer checks on every input, shared with the regression test
// that replays its seeds and findings: parsing either succeeds or throws a
// std::runtime_error (what load_roll_json promises its callers); a parsed corpus holds
// only sorted distinct pitches 0..127, writes back to JSON that parses to the same
// corpus, and each piece survives piece -> Score -> piece (up to trailing silent steps,
// which a Score cannot hold), and -> 88-key frames with one 1 per in-range pitch.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "music/repr/json_roll.h"

namespace cadenza::music::fuzz {

inline bool roll_piece_survives(const repr::RollPiece& piece) {
  for (const repr::RollStep& step : piece) {
    if (!std::is_sorted(step.begin(), step.end()) || std::adjacent_find(step.begin(), step.end()) != step.end())
      return false;
    for (int p : step)
      if (p < 0 || p > 127) return false;
  }
  repr::RollPiece trimmed = piece;
  while (!trimmed.empty() && trimmed.back().empty()) trimmed.pop_back();
  if (repr::score_to_roll_piece(repr::roll_piece_to_score(piece, 4), 4) != trimmed) return false;

  bool in_range = true;
  size_t pitches = 0;
  for (const repr::RollStep& step : piece)
    for (int p : step) {
      in_range &= p >= repr::kRollLowestPitch && p < repr::kRollLowestPitch + repr::kRollPitches;
      ++pitches;
    }
  try {
    const std::vector<uint8_t> frames = repr::roll_piece_to_frames(piece);
    return in_range && frames.size() == piece.size() * repr::kRollPitches &&
           static_cast<size_t>(std::count(frames.begin(), frames.end(), uint8_t{1})) == pitches;
  } catch (const std::out_of_range&) {
    return !in_range;
  }
}

// False if an invariant fails; exceptions other than std::runtime_error propagate.
inline bool roll_json_survives(std::span<const uint8_t> bytes) {
  repr::RollCorpus corpus;
  try {
    corpus = repr::parse_roll_json(std::string(bytes.begin(), bytes.end()));
  } catch (const std::runtime_error&) {
    return true;  // a clean refusal
  }
  if (repr::parse_roll_json(repr::roll_corpus_to_json(corpus)).splits != corpus.splits) return false;
  for (const auto& [split, pieces] : corpus.splits)
    for (const repr::RollPiece& piece : pieces)
      if (!roll_piece_survives(piece)) return false;
  return true;
}

}  // namespace cadenza::music::fuzz
