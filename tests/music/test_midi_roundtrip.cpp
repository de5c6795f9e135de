// read -> write -> read keeps notes, tempo map, signatures, programs and controllers.
#include <catch2/catch.hpp>

#include "corpus_manifest.h"
#include "music/midi/read_midi.h"
#include "music/midi/write_midi.h"
#include "music/score/midi_convert.h"

using namespace cadenza::music;

namespace {

void check_round_trip(const std::filesystem::path& path) {
  INFO(path.string());
  const Score a = score_from_midi(midi::read_midi_file(path));
  const std::vector<uint8_t> bytes = midi::write_midi(midi_from_score(a));
  const Score b = score_from_midi(midi::read_midi(bytes, {.strict = true}));
  CHECK(b.ticks_per_quarter == a.ticks_per_quarter);
  CHECK(b.tempos == a.tempos);
  CHECK(b.time_signatures == a.time_signatures);
  CHECK(b.key_signatures == a.key_signatures);
  REQUIRE(b.tracks.size() == a.tracks.size());
  for (size_t i = 0; i < a.tracks.size(); ++i) {
    INFO("track " << i);
    CHECK(b.tracks[i].channel == a.tracks[i].channel);
    CHECK(b.tracks[i].is_drum == a.tracks[i].is_drum);
    CHECK(b.tracks[i].program == a.tracks[i].program);
    CHECK(b.tracks[i].name == a.tracks[i].name);
    CHECK(b.tracks[i].notes == a.tracks[i].notes);
    CHECK(b.tracks[i].program_changes == a.tracks[i].program_changes);
    CHECK(b.tracks[i].controls == a.tracks[i].controls);
    CHECK(b.tracks[i].pitch_bends == a.tracks[i].pitch_bends);
  }
}

}  // namespace

TEST_CASE("every valid parser-corpus file round-trips", "[midi][roundtrip]") {
  const auto dir = test::shared_data("midi_parser_corpus");
  int checked = 0;
  for (const auto& row : test::read_manifest(dir / "MANIFEST.tsv")) {
    if (row.strict_check != "ok") continue;
    check_round_trip(dir / row.file);
    ++checked;
  }
  CHECK(checked == 75);
}

TEST_CASE("all 112 freedoom files round-trip", "[midi][roundtrip]") {
  const auto dir = test::shared_data("freedoom_music");
  int checked = 0;
  for (const auto& row : test::read_manifest(dir / "MANIFEST.tsv")) {
    check_round_trip(dir / row.file);
    ++checked;
  }
  CHECK(checked == 112);
}
