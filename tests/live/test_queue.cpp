#include <catch2/catch.hpp>

#include <thread>

#include "live/spsc_queue.h"

using cadenza::live::SpscQueue;

TEST_CASE("spsc queue: first in first out, a full queue refuses", "[live]") {
  SpscQueue<int, 4> q;
  int x = 0;
  REQUIRE_FALSE(q.pop(x));
  for (int i = 0; i < 4; ++i) REQUIRE(q.push(i));
  REQUIRE_FALSE(q.push(99));  // full: refused, nothing overwritten
  REQUIRE(q.size() == 4);
  for (int i = 0; i < 4; ++i) {
    REQUIRE(q.pop(x));
    REQUIRE(x == i);
  }
  REQUIRE(q.empty());
  // Wrapping around the ring many times keeps the order.
  for (int i = 0; i < 100; ++i) {
    REQUIRE(q.push(i));
    REQUIRE(q.pop(x));
    REQUIRE(x == i);
  }
}

TEST_CASE("spsc queue: two threads pass a million values in order, none lost", "[live]") {
  static SpscQueue<uint64_t, 1024> q;
  constexpr uint64_t n = 1000000;
  std::thread producer([] {
    for (uint64_t i = 0; i < n; ++i)
      while (!q.push(i)) std::this_thread::yield();
  });
  uint64_t expect = 0, v = 0;
  bool in_order = true;
  while (expect < n) {
    if (!q.pop(v)) continue;
    in_order = in_order && v == expect;
    ++expect;
  }
  producer.join();
  REQUIRE(in_order);
  REQUIRE(q.empty());
}
