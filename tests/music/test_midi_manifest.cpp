// Every file of the bundled MIDI corpora against its MANIFEST.tsv row.
#include <catch2/catch.hpp>

#include <filesystem>

#include "corpus_manifest.h"
#include "music/midi/midi_error.h"
#include "music/midi/read_midi.h"
#include "music/score/midi_convert.h"
#include "tests/support/test_data.h"

using namespace cadenza::music;

TEST_CASE("midi_parser_corpus matches MANIFEST.tsv", "[midi][manifest]") {
  test::check_corpus(cadenza::test::test_data("midi_parser_corpus"), 103);
}

TEST_CASE("the bundled Freedoom files match their MANIFEST.tsv rows", "[midi][manifest]") {
  test::check_corpus(cadenza::test::test_data("freedoom"), 18);
}

TEST_CASE("lenient mode still plays the C major scale of the broken jazz-soft files", "[midi][manifest]") {
  // Each of these files says, in its own text event, that a player should still sound
  // the C major scale C4..C5 around its defect.
  const std::vector<uint8_t> scale{60, 62, 64, 65, 67, 69, 71, 72};
  const auto dir = cadenza::test::test_data("midi_parser_corpus") / "jazz-soft";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("test-illegal-message-", 0) != 0 && name.rfind("test-running-status-", 0) != 0 &&
        name.rfind("test-corrupt-file-", 0) != 0)
      continue;
    INFO(name);
    const Score s = score_from_midi(midi::read_midi_file(entry.path()));
    std::vector<uint8_t> pitches;
    for (const Track& t : s.tracks)
      for (const Note& n : t.notes) pitches.push_back(n.pitch);
    CHECK(pitches == scale);
    ++files;
  }
  CHECK(files == 18);
}
