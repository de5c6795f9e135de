// The arithmetic that sets a callback beside the machine's stalls, on hand-made stalls.
#include <catch2/catch.hpp>

#include "stall_monitor.h"

using namespace cadenza::live::test;

TEST_CASE("stalled_ns: the union of the stalls of every CPU, clipped to the span", "[live]") {
  const std::vector<Stall> none;
  CHECK(stalled_ns(none, 0, 1000) == 0);
  // Two stalls of one CPU, one cut by the span's start, one inside.
  const std::vector<Stall> one_cpu{{0, -300, 500}, {0, 600, 100}};
  CHECK(stalled_ns(one_cpu, 0, 1000) == 200 + 100);
  // Stalls of two CPUs that overlap count their union once; one past the end is clipped.
  const std::vector<Stall> two_cpus{{0, 100, 400}, {1, 300, 400}, {1, 900, 500}};
  CHECK(stalled_ns(two_cpus, 0, 1000) == (700 - 100) + (1000 - 900));
  // One stall that holds another and then one that outlasts it, and stalls outside the span.
  const std::vector<Stall> nested{{1, 100, 800}, {0, 200, 100}, {0, 400, 550}, {0, -500, 400}, {1, 1000, 50}};
  CHECK(stalled_ns(nested, 0, 1000) == 950 - 100);
  // A span inside a stall is all stalled.
  CHECK(stalled_ns(nested, 300, 400) == 100);
}
