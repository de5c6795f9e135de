#include "music/repr/json_roll.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "music/repr/grid.h"
#include "music/repr/tokenizer.h"

namespace cadenza::music::repr {
namespace {

constexpr uint8_t kRollVelocity = 80;

RollStep parse_step(const nlohmann::json& step) {
  if (!step.is_array()) throw std::runtime_error("roll JSON: a time step must be a list of pitches");
  RollStep out;
  for (const auto& v : step) {
    if (!v.is_number()) throw std::runtime_error("roll JSON: a pitch must be a number");
    // Compared before rounding: std::lround of a value beyond long (1e300) is unspecified.
    const double x = v.get<double>();
    if (x <= -0.5) continue;  // rounds below 0: -1 is a silent voice
    if (x >= 127.5) throw std::runtime_error(fmt::format("roll JSON: pitch {} outside 0..127", x));
    out.push_back(static_cast<int>(std::lround(x)));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

RollCorpus parse_roll_json(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // syntax, or a number beyond double (1e400)
    throw std::runtime_error(fmt::format("roll JSON: {}", e.what()));
  }
  if (!j.is_object()) throw std::runtime_error("roll JSON: expected an object of splits");
  RollCorpus corpus;
  for (const auto& [split, pieces] : j.items()) {
    if (!pieces.is_array()) throw std::runtime_error(fmt::format("roll JSON: split '{}' is not a list", split));
    auto& out = corpus.splits[split];
    out.reserve(pieces.size());
    for (const auto& piece : pieces) {
      if (!piece.is_array()) throw std::runtime_error("roll JSON: a piece must be a list of steps");
      RollPiece& p = out.emplace_back();
      p.reserve(piece.size());
      for (const auto& step : piece) p.push_back(parse_step(step));
    }
  }
  return corpus;
}

RollCorpus load_roll_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot open {}", path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_roll_json(ss.str());
}

std::string roll_corpus_to_json(const RollCorpus& corpus) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [split, pieces] : corpus.splits) j[split] = pieces;
  return j.dump();
}

Score roll_piece_to_score(const RollPiece& piece, int steps_per_quarter, int ticks_per_quarter) {
  Score score;
  score.ticks_per_quarter = ticks_per_quarter;
  Track& track = score.tracks.emplace_back();
  track.name = "roll";
  auto tick = [&](int64_t step) { return step_to_tick(step, ticks_per_quarter, steps_per_quarter); };
  std::vector<int64_t> started(128, -1);  // step where the sounding pitch began
  for (size_t s = 0; s <= piece.size(); ++s) {
    std::vector<bool> now(128, false);
    if (s < piece.size())
      for (int p : piece[s]) now[static_cast<size_t>(p)] = true;
    for (int p = 0; p < 128; ++p) {
      if (started[p] >= 0 && !now[p]) {
        track.notes.push_back(
            {tick(started[p]), tick(static_cast<int64_t>(s)), static_cast<uint8_t>(p), kRollVelocity});
        started[p] = -1;
      } else if (started[p] < 0 && now[p]) {
        started[p] = static_cast<int64_t>(s);
      }
    }
  }
  std::stable_sort(track.notes.begin(), track.notes.end(), [](const Note& a, const Note& b) {
    return a.start != b.start ? a.start < b.start : a.pitch < b.pitch;
  });
  return score;
}

RollPiece score_to_roll_piece(const Score& score, int steps_per_quarter) {
  std::vector<GridNote> notes;
  int64_t length = 0;
  for (const Track& t : score.tracks)
    if (!t.is_drum)
      for (const Note& n : t.notes) {
        notes.push_back(to_grid(n, score.ticks_per_quarter, steps_per_quarter));
        length = std::max(length, notes.back().end);
      }
  check_length(static_cast<size_t>(length), "roll piece");
  RollPiece piece(static_cast<size_t>(length));
  for (const GridNote& g : notes)
    for (int64_t s = std::max<int64_t>(g.start, 0); s < g.end; ++s) piece[static_cast<size_t>(s)].push_back(g.pitch);
  for (RollStep& step : piece) {
    std::sort(step.begin(), step.end());
    step.erase(std::unique(step.begin(), step.end()), step.end());
  }
  return piece;
}

std::vector<uint8_t> roll_piece_to_frames(const RollPiece& piece) {
  std::vector<uint8_t> frames(piece.size() * kRollPitches, 0);
  for (size_t s = 0; s < piece.size(); ++s)
    for (int p : piece[s]) {
      if (p < kRollLowestPitch || p >= kRollLowestPitch + kRollPitches)
        throw std::out_of_range(fmt::format("pitch {} outside the 88-key roll", p));
      frames[s * kRollPitches + static_cast<size_t>(p - kRollLowestPitch)] = 1;
    }
  return frames;
}

}  // namespace cadenza::music::repr
