// The JSON piano-roll corpora: parsing quirks, split sizes, round trips.
#include <catch2/catch.hpp>

#include "corpus_manifest.h"
#include "music/repr/json_roll.h"
#include "tests/support/test_data.h"

using namespace cadenza::music;
using namespace cadenza::music::repr;

TEST_CASE("roll JSON: floats round, unisons merge, -1 is a silent voice", "[repr][json]") {
  const RollCorpus c = parse_roll_json(R"({"train": [[[60.0, 64, 64], [-1, 67, -1, 55], []]]})");
  REQUIRE(c.splits.at("train").size() == 1);
  const RollPiece& p = c.splits.at("train")[0];
  CHECK(p == RollPiece{{60, 64}, {55, 67}, {}});
  CHECK_THROWS(parse_roll_json(R"({"train": [[[200]]]})"));
  CHECK_THROWS(parse_roll_json(R"({"train": [[[60]])"));
  CHECK_THROWS(parse_roll_json(R"([1, 2])"));
}

TEST_CASE("JSB quarter: published split sizes, pieces round-trip through scores", "[repr][json]") {
  const RollCorpus c = load_roll_json(std::filesystem::path(CADENZA_SOURCE_DIR) / "data" / "jsb-chorales-quarter.json");
  CHECK(c.splits.at("train").size() == 229);
  CHECK(c.splits.at("valid").size() == 76);
  CHECK(c.splits.at("test").size() == 77);
  size_t steps = 0;
  for (const RollPiece& piece : c.splits.at("train")) {
    steps += piece.size();
    const Score s = roll_piece_to_score(piece, 1);
    RollPiece back = score_to_roll_piece(s, 1);
    back.resize(piece.size());  // trailing silent steps are not notes
    REQUIRE(back == piece);
    const auto frames = roll_piece_to_frames(piece);
    CHECK(frames.size() == piece.size() * 88);
  }
  CHECK(steps == 13807);
  // And the whole corpus survives JSON writing and reading.
  CHECK(parse_roll_json(roll_corpus_to_json(c)).splits == c.splits);
}
