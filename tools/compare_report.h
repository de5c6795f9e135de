// What `cadenza compare` prints: the comparison of each set with the reference as a
// table (feature, unit, reference mean ± sd, the set's mean ± sd, OA, KLD) and as JSON,
// and the chorale voice-leading rates of each set.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "music/metrics/set_compare.h"

namespace cadenza::tools {

// One set measured against the reference: the generated samples, the shuffled
// baseline, the train split.
struct CompareResult {
  std::string key;          // "generated", "shuffled", "train"
  std::string description;  // what the set is, one line
  size_t pieces = 0;
  std::vector<music::metrics::FeatureComparison> rows;
  music::metrics::VoiceLeading voice_leading;
};

std::string comparison_table(const CompareResult& result);
nlohmann::json comparison_json(const CompareResult& result);

// Rates per 100 beats per voice pair, one block per set (the reference first).
std::string voice_leading_table(const std::vector<std::pair<std::string, music::metrics::VoiceLeading>>& sets);
nlohmann::json voice_leading_json(const music::metrics::VoiceLeading& v);

}  // namespace cadenza::tools
