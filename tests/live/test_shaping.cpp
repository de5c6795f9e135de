#include <catch2/catch.hpp>

#include "live/output_shaper.h"

using namespace cadenza::live;

TEST_CASE("shaper: snaps to the key, and each release follows its note", "[live]") {
  for (int p = 0; p < 128; ++p) CHECK(snap_to_key(p, -1) == p);
  CHECK(snap_to_key(61, 0) == 60);  // C# -> C in C major
  CHECK(snap_to_key(66, 0) == 65);  // F# -> F
  CHECK(snap_to_key(66, 7) == 66);  // F# is in G major
  CHECK(snap_to_key(65, 7) == 64);  // F -> E in G major
  OutputShaper s;
  s.reset();
  GenEvent on{0.0, true, 61, 100}, off{0.5, false, 61, 0};
  REQUIRE(s.shape(on, 0.0, 0, 8));
  CHECK(on.pitch == 60);
  GenEvent on2{0.1, true, 60, 100};  // C# sounded as C: a generated C now would strike C twice
  CHECK_FALSE(s.shape(on2, 0.1, 0, 8));
  GenEvent off2{0.2, false, 60, 0};
  CHECK_FALSE(s.shape(off2, 0.2, 0, 8));  // its strike was dropped, so is its release
  REQUIRE(s.shape(off, 0.5, 0, 8));
  CHECK(off.pitch == 60);  // released as what it was struck as
  CHECK(s.sounding() == 0);
}

TEST_CASE("shaper: density caps note-ons in any one second", "[live]") {
  OutputShaper s;
  s.reset();
  int sent = 0;
  for (int i = 0; i < 20; ++i) {  // 20 notes in one second, density 4
    GenEvent on{i * 0.05, true, uint8_t(40 + i), 90};
    if (s.shape(on, i * 0.05, -1, 4)) ++sent;
  }
  CHECK(sent == 4);
  GenEvent later{1.5, true, 100, 90};
  CHECK(s.shape(later, 1.5, -1, 4));  // the window has moved on
  std::vector<GenEvent> offs = s.release_all(2.0);
  CHECK(offs.size() == 5);
  CHECK(s.sounding() == 0);
}
