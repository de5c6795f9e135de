// The music module on the full public corpora (label `corpus`; tests/support/test_data.h):
// every Freedoom file against its manifest and through a MIDI round trip, BPE round trips
// on every file of Freedoom and the parser corpus, and the JSB grids against each other.
#include <catch2/catch.hpp>

#include "bpe_checks.h"
#include "corpus_manifest.h"
#include "music/repr/json_roll.h"
#include "tests/support/test_data.h"

using namespace cadenza::music;

TEST_CASE("corpus: all 112 Freedoom files match MANIFEST.tsv", "[midi][manifest][corpus]") {
  test::check_corpus(cadenza::test::corpus("freedoom_music"), 112);
}

TEST_CASE("corpus: all 112 Freedoom files round-trip", "[midi][roundtrip][corpus]") {
  const auto dir = cadenza::test::corpus("freedoom_music");
  int checked = 0;
  for (const auto& row : test::read_manifest(dir / "MANIFEST.tsv")) {
    test::check_round_trip(dir / row.file);
    ++checked;
  }
  CHECK(checked == 112);
}

TEST_CASE("corpus: Jsb16thSeparated without -1 equals the 16th file (test split)", "[repr][json][corpus]") {
  const auto dir = cadenza::test::corpus("jsb_chorales");
  const repr::RollCorpus sep = repr::load_roll_json(dir / "Jsb16thSeparated.json");
  const repr::RollCorpus plain = repr::load_roll_json(dir / "jsb-chorales-16th.json");
  CHECK(sep.splits.at("test") == plain.splits.at("test"));
  CHECK(sep.splits.at("train").size() == 229);
}

TEST_CASE("corpus: BPE round-trips every Freedoom file and every strictly readable parser-corpus file",
          "[bpe][corpus]") {
  const auto freedoom = cadenza::test::corpus("freedoom_music");
  const auto parser = test::midi_files_under(cadenza::test::corpus("midi_parser_corpus"));
  const auto tracks = test::midi_files_under(freedoom);
  for (const std::string base : {"remi", "performance"}) {
    const auto bpe = test::learn_bpe_on(freedoom, base, 2000);
    CHECK(test::check_bpe_round_trip(*bpe, tracks).checked == 112);
    CHECK(test::check_bpe_round_trip(*bpe, parser).checked >= 20);
  }
}
