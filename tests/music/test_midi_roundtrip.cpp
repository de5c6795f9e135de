// read -> write -> read keeps notes, tempo map, signatures, programs and controllers.
#include <catch2/catch.hpp>

#include "corpus_manifest.h"
#include "tests/support/test_data.h"

using namespace cadenza::music;

TEST_CASE("every valid parser-corpus file round-trips", "[midi][roundtrip]") {
  const auto dir = cadenza::test::test_data("midi_parser_corpus");
  int checked = 0;
  for (const auto& row : test::read_manifest(dir / "MANIFEST.tsv")) {
    if (row.strict_check != "ok") continue;
    test::check_round_trip(dir / row.file);
    ++checked;
  }
  CHECK(checked == 75);
}

TEST_CASE("the bundled Freedoom files round-trip", "[midi][roundtrip]") {
  const auto dir = cadenza::test::test_data("freedoom");
  int checked = 0;
  for (const auto& row : test::read_manifest(dir / "MANIFEST.tsv")) {
    test::check_round_trip(dir / row.file);
    ++checked;
  }
  CHECK(checked == 18);
}
