// Replays the safetensors fuzzer's inputs (docs/FUZZING.md) through its own checks: the
// committed seeds and the crashes it found, kept in tests/engine/regressions/safetensors/
// once fixed.
#include <catch2/catch.hpp>

#include "fuzz/safetensors_check.h"
#include "tests/support/fuzz_inputs.h"

TEST_CASE("safetensors fuzzer inputs are refused cleanly or round-trip", "[safetensors][fuzz]") {
  const auto inputs =
      cadenza::test::fuzz_inputs({"fuzz/seeds/safetensors", "tests/engine/regressions/safetensors"}, ".safetensors");
  for (const auto& input : inputs) {
    INFO(input.name);
    CHECK(cadenza::serialize::fuzz::safetensors_bytes_survive(input.bytes));
  }
  CHECK(inputs.size() >= 4);
}
