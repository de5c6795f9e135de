#pragma once
// The phrases the latency benchmark plays, the same for cadenza and its PyTorch peer
// (written to JSON for live_torch.py): 4..8 notes of 150..300 ms from a pentatonic walk,
// from a fixed seed.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace cadenza::bench {

struct ScriptNote {
  double on, off;  // seconds from the phrase's start
  int pitch, velocity;
};
using ScriptPhrase = std::vector<ScriptNote>;

std::vector<ScriptPhrase> make_phrases(int count, uint64_t seed);
nlohmann::json to_json(const std::vector<ScriptPhrase>& phrases);

}  // namespace cadenza::bench
