// Chorale voice leading on hand-made four-part progressions whose faults are counted by
// hand in the comments (voices S, A, T, B; one pitch per beat, -1 a rest, a repeated
// pitch a held note).
#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "music/metrics/voice_leading.h"

using namespace cadenza::music;
using namespace cadenza::music::metrics;

namespace {

constexpr int kTpq = 480;

Score chorale(const std::array<std::vector<int>, 4>& voices) {
  Score s;
  s.ticks_per_quarter = kTpq;
  for (const auto& beats : voices) {
    Track& t = s.tracks.emplace_back();
    for (size_t b = 0; b < beats.size(); ++b) {
      const int64_t start = int64_t(b) * kTpq;
      if (beats[b] < 0) continue;
      if (b > 0 && beats[b] == beats[b - 1])
        t.notes.back().end += kTpq;  // held
      else
        t.notes.push_back({start, start + kTpq, uint8_t(beats[b]), 80});
    }
  }
  return s;
}

}  // namespace

TEST_CASE("voice leading: exactly one parallel fifth", "[metrics][voice_leading]") {
  // S C5 -> D5 over A F4 -> G4: a fifth to a fifth, both rising. T and B hold (oblique
  // motion, so S-B's octave C5/C3 moving to a ninth is nothing).
  const VoiceLeading v = voice_leading(chorale({{{72, 74}, {65, 67}, {57, 57}, {48, 48}}}));
  CHECK(v.pairs[0].parallel_fifths == 1);  // S-A
  CHECK(v.total().parallel_fifths == 1);
  CHECK(v.total().parallel_octaves == 0);
  CHECK(v.total().crossings == 0);
  CHECK(v.beats == 2.0);
  CHECK(per_pair_beat(v.total().parallel_fifths, v.beats, kVoicePairs) == Approx(1.0 / 12.0));
}

TEST_CASE("voice leading: hidden and contrary fifths are not parallel", "[metrics][voice_leading]") {
  // S C5 -> D5 over A E4 -> G4: a minor sixth to a fifth in similar motion (hidden fifth).
  const VoiceLeading hidden = voice_leading(chorale({{{72, 74}, {64, 67}, {57, 57}, {48, 48}}}));
  CHECK(hidden.total().parallel_fifths == 0);
  CHECK(hidden.total().parallel_octaves == 0);
  // S C5 -> D5 over A F4 -> G3: a fifth to a twelfth in contrary motion.
  const VoiceLeading contrary = voice_leading(chorale({{{72, 74}, {65, 55}, {50, 50}, {48, 48}}}));
  CHECK(contrary.total().parallel_fifths == 0);
  CHECK(contrary.total().crossings == 0);
}

TEST_CASE("voice leading: parallel octaves, and a rest breaks the succession", "[metrics][voice_leading]") {
  // S C5 -> D5 over B C3 -> D3: two octaves to two octaves, both rising; A moves by step
  // from a sixth to a sixth above T, which holds.
  const VoiceLeading octave = voice_leading(chorale({{{72, 74}, {64, 65}, {55, 55}, {48, 50}}}));
  CHECK(octave.pairs[2].parallel_octaves == 1);  // S-B
  CHECK(octave.total().parallel_octaves == 1);
  CHECK(octave.total().parallel_fifths == 0);
  // The fifths of the first case with a beat of rest between them.
  const VoiceLeading rest = voice_leading(chorale({{{72, -1, 74}, {65, -1, 67}, {57, 57, 57}, {48, 48, 48}}}));
  CHECK(rest.total().parallel_fifths == 0);
}

TEST_CASE("voice leading: a crossing counts once while it lasts", "[metrics][voice_leading]") {
  // A rises above S on beat 2 and stays above on beat 3 (S-A crossed for two beats), then
  // falls back: one crossing.
  const VoiceLeading v =
      voice_leading(chorale({{{67, 67, 67, 67}, {64, 69, 70, 62}, {55, 55, 55, 55}, {48, 48, 48, 48}}}));
  CHECK(v.pairs[0].crossings == 1);
  CHECK(v.total().crossings == 1);
  CHECK(voice_pair_name(0) == std::string("S-A"));
  CHECK(upper_voice(5) == 2);
  CHECK(lower_voice(5) == 3);
}

TEST_CASE("voice leading needs four tracks", "[metrics][voice_leading]") {
  Score three = chorale({{{72}, {65}, {57}, {48}}});
  three.tracks.pop_back();
  CHECK_THROWS_AS(voice_leading(three), std::invalid_argument);
}
