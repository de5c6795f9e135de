#include "models/deepbach/chorale_grid.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/error.h"
#include "music/repr/grid.h"

namespace cadenza::models::deepbach {
namespace {

constexpr const char* kVoiceNames[kVoices] = {"Soprano", "Alto", "Tenor", "Bass"};

// The pitch a voice sounds after `token`, given what it sounded before (-1 = silent).
int resolve(const VoiceRange& r, int32_t token, int previous) {
  if (token == kHold) return previous;
  return token >= kFirstPitch ? token_pitch(r, token) : -1;
}

}  // namespace

VoiceRanges jsb_voice_ranges() { return {{{60, 81}, {52, 74}, {46, 69}, {36, 66}}}; }

int32_t vocab_size(const VoiceRange& r) { return kFirstPitch + (r.hi - r.lo + 1); }
int32_t class_count(const VoiceRange& r) { return vocab_size(r) - kPadTokens; }

int32_t pitch_token(const VoiceRange& r, int pitch) {
  CADENZA_CHECK(pitch >= r.lo && pitch <= r.hi, "deepbach: pitch {} outside the voice range {}..{}", pitch, r.lo, r.hi);
  return kFirstPitch + (pitch - r.lo);
}

int token_pitch(const VoiceRange& r, int32_t token) { return r.lo + (token - kFirstPitch); }

std::map<std::string, std::vector<ChoralePitches>> load_separated_chorales(const std::filesystem::path& path) {
  std::ifstream in(path);
  CADENZA_CHECK(in.good(), "deepbach: cannot read chorale corpus '{}'", path.string());
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    fail("deepbach: '{}' is not JSON: {}", path.string(), e.what());
  }
  CADENZA_CHECK(j.is_object(), "deepbach: '{}' should map split names to chorales", path.string());
  std::map<std::string, std::vector<ChoralePitches>> out;
  for (const auto& [split, chorales] : j.items()) {
    CADENZA_CHECK(chorales.is_array(), "deepbach: '{}': split '{}' is not a list", path.string(), split);
    for (const auto& chorale : chorales) {
      ChoralePitches c;
      for (const auto& step : chorale) {
        CADENZA_CHECK(step.is_array() && step.size() == kVoices &&
                          std::all_of(step.begin(), step.end(), [](auto& x) { return x.is_number(); }),
                      "deepbach: '{}': split '{}' chorale {} step {} is not 4 pitches [S, A, T, B]: {}", path.string(),
                      split, out[split].size(), c.size(), step.dump());
        PitchRow row;
        for (int v = 0; v < kVoices; ++v) row[size_t(v)] = int(std::lround(step[size_t(v)].get<double>()));
        c.push_back(row);
      }
      out[split].push_back(std::move(c));
    }
  }
  return out;
}

ChoraleGrid encode_chorale(const ChoralePitches& pitches, const VoiceRanges& ranges) {
  ChoraleGrid g{int64_t(pitches.size()), std::vector<int32_t>(pitches.size() * kVoices)};
  for (int v = 0; v < kVoices; ++v) {
    int previous = -1;
    for (int64_t t = 0; t < g.steps; ++t) {
      const int p = pitches[size_t(t)][size_t(v)];
      const VoiceRange& r = ranges[size_t(v)];
      CADENZA_CHECK(p < 0 || (p >= r.lo && p <= r.hi), "deepbach: {} pitch {} at step {} is outside its range {}..{}",
                    kVoiceNames[v], p, t, r.lo, r.hi);
      g.at(t, v) = p < 0 ? kRest : p == previous ? kHold : pitch_token(r, p);
      previous = p < 0 ? -1 : p;
    }
  }
  return g;
}

ChoralePitches decode_pitches(const ChoraleGrid& grid, const VoiceRanges& ranges) {
  ChoralePitches out(size_t(grid.steps));
  for (int v = 0; v < kVoices; ++v) {
    int previous = -1;
    for (int64_t t = 0; t < grid.steps; ++t)
      previous = out[size_t(t)][size_t(v)] = resolve(ranges[size_t(v)], grid.at(t, v), previous);
  }
  return out;
}

music::Score grid_to_score(const ChoraleGrid& grid, const VoiceRanges& ranges, int ticks_per_quarter) {
  music::Score score;
  score.ticks_per_quarter = ticks_per_quarter;
  score.tempos.push_back({});
  score.time_signatures.push_back({});
  auto tick = [&](int64_t step) { return music::repr::step_to_tick(step, ticks_per_quarter, kStepsPerQuarter); };
  for (int v = 0; v < kVoices; ++v) {
    music::Track track;
    track.name = kVoiceNames[v];
    track.channel = music::melodic_channel(size_t(v));
    int previous = -1;
    for (int64_t t = 0; t < grid.steps; ++t) {
      const int32_t token = grid.at(t, v);
      const int pitch = resolve(ranges[size_t(v)], token, previous);
      if (pitch >= 0 && token != kHold) track.notes.push_back({tick(t), tick(t + 1), uint8_t(pitch), 80});
      if (pitch >= 0 && token == kHold) track.notes.back().end = tick(t + 1);
      previous = pitch;
    }
    score.tracks.push_back(std::move(track));
  }
  return score;
}

ChoraleGrid score_to_grid(const music::Score& score, const VoiceRanges& ranges, int64_t steps) {
  const int tpq = score.ticks_per_quarter;
  if (steps <= 0) {
    const int64_t end = score.end_tick();
    steps = (end * kStepsPerQuarter + tpq - 1) / tpq;
  }
  ChoraleGrid g{steps, std::vector<int32_t>(size_t(steps * kVoices), kRest)};
  for (int v = 0; v < kVoices && size_t(v) < score.tracks.size(); ++v) {
    // Per step the winning note (latest onset, then highest pitch) and whether it starts there.
    std::vector<music::repr::GridNote> winner(size_t(steps), {-1, -1, -1, 0});
    for (const music::Note& n : score.tracks[size_t(v)].notes) {
      music::repr::GridNote gn = music::repr::to_grid(n, tpq, kStepsPerQuarter);
      for (int64_t t = std::max<int64_t>(gn.start, 0); t < std::min(gn.end, steps); ++t) {
        auto& w = winner[size_t(t)];
        if (gn.start > w.start || (gn.start == w.start && gn.pitch > w.pitch)) w = gn;
      }
    }
    for (int64_t t = 0; t < steps; ++t) {
      const auto& w = winner[size_t(t)];
      if (w.pitch < 0) continue;
      // A hold continues the note of the previous step only; a new winner there is an onset.
      const bool continues =
          w.start < t && winner[size_t(t - 1)].start == w.start && winner[size_t(t - 1)].pitch == w.pitch;
      if (continues) {
        g.at(t, v) = kHold;
      } else {
        const VoiceRange& r = ranges[size_t(v)];
        CADENZA_CHECK(w.pitch >= r.lo && w.pitch <= r.hi,
                      "deepbach: {} pitch {} at step {} (beat {}) is outside its range {}..{}", kVoiceNames[v], w.pitch,
                      t, double(t) / kStepsPerQuarter, r.lo, r.hi);
        g.at(t, v) = pitch_token(r, w.pitch);
      }
    }
  }
  return g;
}

}  // namespace cadenza::models::deepbach
