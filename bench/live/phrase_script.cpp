#include "phrase_script.h"

#include <algorithm>
#include <array>

namespace cadenza::bench {

std::vector<ScriptPhrase> make_phrases(int count, uint64_t seed) {
  static constexpr std::array<int, 11> scale{55, 57, 60, 62, 64, 67, 69, 72, 74, 76, 79};
  uint64_t s = seed * 6364136223846793005ull + 1;
  auto random = [&](uint32_t below) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return uint32_t(s >> 33) % below;
  };
  std::vector<ScriptPhrase> phrases;
  int at = 5;
  for (int i = 0; i < count; ++i) {
    ScriptPhrase p;
    double t = 0;
    const int notes = 4 + int(random(5));
    for (int n = 0; n < notes; ++n) {
      at = std::clamp(at + int(random(5)) - 2, 0, int(scale.size()) - 1);
      const double len = 0.15 + 0.001 * random(151);
      p.push_back({t, t + len * 0.9, scale[size_t(at)], 60 + int(random(50))});
      t += len;
    }
    phrases.push_back(std::move(p));
  }
  return phrases;
}

nlohmann::json to_json(const std::vector<ScriptPhrase>& phrases) {
  nlohmann::json out = nlohmann::json::array();
  for (const ScriptPhrase& p : phrases) {
    nlohmann::json notes = nlohmann::json::array();
    for (const ScriptNote& n : p) notes.push_back({n.on, n.off, n.pitch, n.velocity});
    out.push_back(notes);
  }
  return out;
}

}  // namespace cadenza::bench
