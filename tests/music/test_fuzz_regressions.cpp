// Replays the inputs of the MIDI and JSON piano-roll fuzzers (docs/FUZZING.md) through the
// fuzzers' own checks: their committed seeds, and what tests/music/regressions/ keeps (the
// crashes they found, once fixed, and a minimised sample of the MIDI fuzzer's corpus).
#include <catch2/catch.hpp>

#include "fuzz/json_roll_check.h"
#include "fuzz/midi_check.h"
#include "tests/support/fuzz_inputs.h"

TEST_CASE("MIDI fuzzer inputs are refused cleanly or round-trip", "[midi][fuzz]") {
  const auto inputs = cadenza::test::fuzz_inputs({"fuzz/seeds/midi_reader", "tests/music/regressions"}, ".mid");
  for (const auto& input : inputs) {
    INFO(input.name);
    CHECK(cadenza::music::fuzz::midi_bytes_survive(input.bytes));
  }
  CHECK(inputs.size() > 100);
}

TEST_CASE("JSON piano-roll fuzzer inputs are refused cleanly or round-trip", "[repr][fuzz]") {
  const auto inputs =
      cadenza::test::fuzz_inputs({"fuzz/seeds/json_roll", "tests/music/regressions/json_roll"}, ".json");
  for (const auto& input : inputs) {
    INFO(input.name);
    CHECK(cadenza::music::fuzz::roll_json_survives(input.bytes));
  }
  CHECK(inputs.size() >= 4);
}
