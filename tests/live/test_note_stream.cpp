#include <catch2/catch.hpp>

#include "live/phrase.h"
#include "live_checks.h"

using namespace cadenza::live;
using cadenza::live::test::check_gen_events;
using cadenza::live::test::tiny_model;

namespace {

cadenza::music::Score call() {
  std::vector<PlayedNote> notes{{0, 9600, 60, 90}, {9600, 19200, 64, 90}, {19200, 28800, 67, 90}};
  return notes_to_score(notes, 0, 48000, 120);
}

std::vector<GenEvent> stream_all(NoteStream& s, double seconds, uint64_t seed, size_t* steps = nullptr) {
  cadenza::Generator gen(seed);
  s.start({call(), seconds, 1.0, 8.0, 120.0}, gen);
  std::vector<GenEvent> events;
  size_t n = 0;
  while (s.step(events)) ++n;
  if (steps) *steps = n;
  return events;
}

}  // namespace

TEST_CASE("note stream: each streamed family gives matched, ordered notes within the length", "[live]") {
  for (const char* family : {"performance_rnn", "music_transformer", "poly_rnn", "melody_rnn"}) {
    INFO(family);
    auto model = tiny_model(family);
    std::unique_ptr<NoteStream> s = make_note_stream(model);
    size_t steps = 0;
    std::vector<GenEvent> events = stream_all(*s, 2.0, 7, &steps);
    check_gen_events(events, 2.0);
    CHECK(!events.empty());
    if (std::string(family) == "poly_rnn") CHECK(steps == 4);  // 2 s at 120 BPM, a frame per quarter
    // A second continuation of the same stream starts afresh (no state left over).
    check_gen_events(stream_all(*s, 1.0, 8), 1.0);
  }
}

TEST_CASE("note stream: the same seed gives the same continuation", "[live]") {
  auto model = tiny_model("performance_rnn");
  std::unique_ptr<NoteStream> a = make_note_stream(model), b = make_note_stream(model);
  std::vector<GenEvent> x = stream_all(*a, 1.5, 3), y = stream_all(*b, 1.5, 3), z = stream_all(*b, 1.5, 4);
  REQUIRE(x.size() == y.size());
  for (size_t i = 0; i < x.size(); ++i) {
    CHECK(x[i].time == y[i].time);
    CHECK(x[i].pitch == y[i].pitch);
    CHECK(x[i].on == y[i].on);
  }
  bool differs = x.size() != z.size();
  for (size_t i = 0; !differs && i < x.size(); ++i) differs = x[i].pitch != z[i].pitch || x[i].time != z[i].time;
  CHECK(differs);
}

TEST_CASE("note stream: the transformer's context slides past max_length", "[live]") {
  auto model = tiny_model("music_transformer");  // max_length 64 tokens
  std::unique_ptr<NoteStream> s = make_note_stream(model);
  size_t steps = 0;
  std::vector<GenEvent> events = stream_all(*s, 30.0, 11, &steps);
  CHECK(steps > 2 * 64);  // well past the 64-token window
  check_gen_events(events, 30.0);
}
