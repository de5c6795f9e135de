// The reader and writer on hand-made bytes: VLQs, running status, pairing, recovery.
#include <catch2/catch.hpp>

#include "music/midi/midi_error.h"
#include "music/midi/read_midi.h"
#include "music/midi/vlq.h"
#include "music/midi/write_midi.h"
#include "music/score/midi_convert.h"
#include "smf_bytes.h"

using namespace cadenza::music;
using test::Bytes;
using test::concat;
using test::kEndOfTrack;
using test::make_smf;

namespace {

// C4 on, E4 on (running status), C4 off as velocity-0 note-on, E4 off, at 96 PPQ.
const Bytes kTwoNotes{0x00, 0x90, 60, 100, 0x00, 64, 90, 0x60, 60, 0, 0x60, 0x80, 64, 0};

std::string strict_reason(const Bytes& bytes) {
  try {
    midi::read_midi(bytes, {.strict = true});
  } catch (const midi::MidiError& e) {
    return e.reason();
  }
  return "ok";
}

}  // namespace

TEST_CASE("VLQ encoding matches SMF 1.0 examples", "[midi]") {
  const std::vector<std::pair<uint32_t, Bytes>> cases = {{0x00, {0x00}},
                                                         {0x40, {0x40}},
                                                         {0x7F, {0x7F}},
                                                         {0x80, {0x81, 0x00}},
                                                         {0x2000, {0xC0, 0x00}},
                                                         {0x3FFF, {0xFF, 0x7F}},
                                                         {0x4000, {0x81, 0x80, 0x00}},
                                                         {0x1FFFFF, {0xFF, 0xFF, 0x7F}},
                                                         {0x200000, {0x81, 0x80, 0x80, 0x00}},
                                                         {0x0FFFFFFF, {0xFF, 0xFF, 0xFF, 0x7F}}};
  for (const auto& [value, expected] : cases) {
    Bytes out;
    midi::append_vlq(out, value);
    CHECK(out == expected);
    // And the reader decodes it as a delta time.
    const Bytes body = concat(concat(expected, {0x90, 60, 1}), kEndOfTrack);
    const midi::MidiFile f = midi::read_midi(make_smf(0, 96, {body}), {.strict = true});
    REQUIRE(f.tracks.at(0).events.size() == 1);
    CHECK(f.tracks[0].events[0].tick == value);
  }
}

TEST_CASE("running status and velocity-0 note-offs pair FIFO", "[midi]") {
  const Bytes file = make_smf(0, 96, {concat(kTwoNotes, kEndOfTrack)});
  const midi::MidiFile f = midi::read_midi(file, {.strict = true});
  const midi::EventCounts c = midi::count_events(f);
  CHECK(c.note_ons == 2);
  CHECK(c.running_status == 2);
  const Score s = score_from_midi(f);
  REQUIRE(s.tracks.size() == 1);
  REQUIRE(s.tracks[0].notes.size() == 2);
  CHECK(s.tracks[0].notes[0] == Note{0, 96, 60, 100});
  CHECK(s.tracks[0].notes[1] == Note{0, 192, 64, 90});
}

TEST_CASE("overlapping notes of one key end first-in first-out", "[midi]") {
  // on@0, on@10, off@20, off@30 on the same key: the first note ends at 20.
  const Bytes body{0x00, 0x90, 60, 10, 10, 60, 20, 10, 0x80, 60, 0, 10, 60, 0};
  const Score s = score_from_midi(midi::read_midi(make_smf(0, 96, {concat(body, kEndOfTrack)})));
  REQUIRE(s.tracks.at(0).notes.size() == 2);
  CHECK(s.tracks[0].notes[0] == Note{0, 20, 60, 10});
  CHECK(s.tracks[0].notes[1] == Note{10, 30, 60, 20});
}

TEST_CASE("strict mode names the reason and the byte offset", "[midi]") {
  SECTION("no header") { CHECK(strict_reason({'R', 'I', 'F', 'F'}) == "no MThd"); }
  SECTION("5-byte VLQ") {
    const Bytes body{0x81, 0x80, 0x80, 0x80, 0x00, 0x90, 60, 1};
    CHECK(strict_reason(make_smf(0, 96, {body})) == "track 1: VLQ longer than 4 bytes");
  }
  SECTION("missing End-of-Track") {
    CHECK(strict_reason(make_smf(0, 96, {kTwoNotes})) == "track 1: missing End-of-Track");
  }
  SECTION("illegal status, with its offset") {
    const Bytes file = make_smf(0, 96, {concat({0x00, 0xF4}, kEndOfTrack)});
    try {
      midi::read_midi(file, {.strict = true});
      FAIL("no error");
    } catch (const midi::MidiError& e) {
      CHECK(e.reason() == "track 1: illegal status F4");
      CHECK(e.offset() == 14 + 8 + 1);  // MThd, MTrk header, the delta byte
      CHECK(std::string(e.what()) == "track 1: illegal status F4 at byte 23");
    }
  }
  SECTION("data after End-of-Track") {
    CHECK(strict_reason(make_smf(0, 96, {concat(kEndOfTrack, {0x00})})) == "track 1: data after End-of-Track");
  }
}

TEST_CASE("lenient mode recovers truncated and mis-sized tracks", "[midi]") {
  const Bytes good = make_smf(1, 96, {concat(kTwoNotes, kEndOfTrack), concat(kTwoNotes, kEndOfTrack)});
  SECTION("track length too long (overruns the next chunk)") {
    Bytes bad = good;
    bad[14 + 7] += 5;  // first MTrk's length
    const midi::MidiFile f = midi::read_midi(bad);
    CHECK(f.tracks.size() == 2);
    CHECK(midi::count_events(f).note_ons == 4);
    CHECK_FALSE(f.warnings.empty());
  }
  SECTION("track length too short (ends mid-track)") {
    Bytes bad = good;
    bad[14 + 7] -= 6;
    const midi::MidiFile f = midi::read_midi(bad);
    CHECK(f.tracks.size() == 2);
    CHECK(midi::count_events(f).note_ons == 4);
  }
  SECTION("file cut inside the last track") {
    const Bytes cut(good.begin(), good.end() - 6);
    const midi::MidiFile f = midi::read_midi(cut);
    CHECK(f.tracks.size() == 2);
    CHECK(midi::count_events(f).note_ons == 4);
    const Score s = score_from_midi(f);
    CHECK(s.note_count() == 4);
    CHECK(strict_reason(cut) == "track 2 length overruns file");
  }
  SECTION("running status across a meta event continues in lenient mode") {
    const Bytes body{0x00, 0x90, 60, 100, 0x00, 0xFF, 0x01, 0x01, 'x', 0x60, 60, 0};
    const midi::MidiFile f = midi::read_midi(make_smf(0, 96, {concat(body, kEndOfTrack)}));
    const Score s = score_from_midi(f);
    REQUIRE(s.note_count() == 1);
    CHECK(s.tracks[0].notes[0].end == 96);
  }
}

TEST_CASE("no prefix or single-byte corruption of a file escapes as a crash", "[midi]") {
  const Bytes good = make_smf(1, 96, {concat(kTwoNotes, kEndOfTrack), concat(kTwoNotes, kEndOfTrack)});
  auto survive = [](const Bytes& bytes) {
    for (bool strict : {false, true}) {
      try {
        const midi::MidiFile f = midi::read_midi(bytes, {.strict = strict});
        const Score s = score_from_midi(f);
        CHECK(s.note_count() <= bytes.size() / 3);  // a note-on takes at least 3 bytes
        midi::write_midi(midi_from_score(s));
      } catch (const midi::MidiError&) {
      }
    }
  };
  for (size_t n = 0; n <= good.size(); ++n) survive(Bytes(good.begin(), good.begin() + n));
  for (size_t i = 0; i < good.size(); ++i)
    for (uint8_t v : {0x00, 0x7F, 0x80, 0xF0, 0xF7, 0xFF}) {
      Bytes bad = good;
      bad[i] = v;
      survive(bad);
    }
}

TEST_CASE("the writer uses running status and a final End-of-Track", "[midi]") {
  const Bytes file = make_smf(0, 96, {concat(kTwoNotes, kEndOfTrack)});
  const midi::MidiFile f = midi::read_midi(file);
  const Bytes out = midi::write_midi(f);
  const midi::MidiFile back = midi::read_midi(out, {.strict = true});
  REQUIRE(back.tracks.size() == 1);
  CHECK(back.tracks[0].events.size() == f.tracks[0].events.size());
  CHECK(midi::count_events(back).running_status == 2);  // the 2nd and 3rd note-ons
  CHECK(back.tracks[0].end_tick == 192);
}
