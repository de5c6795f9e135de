// A score: tracks of notes in ticks, with the tempo map and the time and key signatures.
// This is what representations encode and what the MIDI reader/writer produce/consume.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cadenza::music {

inline constexpr int kDrumChannel = 9;  // MIDI channel 10 (General MIDI percussion)

struct Note {
  int64_t start = 0;  // ticks
  int64_t end = 0;    // ticks, >= start
  uint8_t pitch = 60;
  uint8_t velocity = 64;
  bool operator==(const Note&) const = default;
};

struct ControlChange {
  int64_t tick = 0;
  uint8_t number = 0;  // 64 = sustain pedal
  uint8_t value = 0;
  bool operator==(const ControlChange&) const = default;
};

struct ProgramChange {
  int64_t tick = 0;
  uint8_t program = 0;  // General MIDI program, 0-based
  bool operator==(const ProgramChange&) const = default;
};

struct PitchBend {
  int64_t tick = 0;
  int16_t value = 0;  // -8192..8191, 0 = centre
  bool operator==(const PitchBend&) const = default;
};

// One instrument part: the events of one MIDI channel within one MTrk.
struct Track {
  std::string name;
  uint8_t channel = 0;
  bool is_drum = false;     // channel 10
  int program = 0;          // first program change (0 = Acoustic Grand if none)
  std::vector<Note> notes;  // sorted by start (stable in file order)
  std::vector<ProgramChange> program_changes;
  std::vector<ControlChange> controls;
  std::vector<PitchBend> pitch_bends;
  bool operator==(const Track&) const = default;
};

struct Tempo {
  int64_t tick = 0;
  uint32_t us_per_quarter = 500000;  // 120 BPM
  double bpm() const { return 60e6 / us_per_quarter; }
  bool operator==(const Tempo&) const = default;
};

struct TimeSignature {
  int64_t tick = 0;
  int numerator = 4;
  int denominator = 4;  // a power of two
  bool operator==(const TimeSignature&) const = default;
};

struct KeySignature {
  int64_t tick = 0;
  int sharps = 0;  // -7..7, negative = flats
  bool minor = false;
  bool operator==(const KeySignature&) const = default;
};

struct Score {
  int ticks_per_quarter = 480;
  std::vector<Tempo> tempos;                   // sorted by tick; none means 120 BPM
  std::vector<TimeSignature> time_signatures;  // sorted by tick; none means 4/4
  std::vector<KeySignature> key_signatures;
  std::vector<Track> tracks;

  int64_t end_tick() const;  // end of the last note (0 for an empty score)
  size_t note_count() const;
  bool operator==(const Score&) const = default;
};

// MIDI channel for the n-th melodic part: 0..15 in turn, skipping the drum channel.
inline uint8_t melodic_channel(size_t part) {
  const size_t c = part % 15;
  return static_cast<uint8_t>(c >= kDrumChannel ? c + 1 : c);
}

// Ticks of one bar of `ts` at `ticks_per_quarter`.
int64_t bar_ticks(const TimeSignature& ts, int ticks_per_quarter);

// Returns a copy with every tick multiplied by new_tpq / score.ticks_per_quarter (rounded).
Score resample(const Score& score, int new_ticks_per_quarter);

// The ticks [from, to) of `score`, moved to start at 0: notes sounding there, cut at both
// ends; the tempo, time and key signatures in force at `from`, and every later change
// before `to`; the controls, program changes and pitch bends inside. Tracks keep their
// settings, emptied or not.
Score excerpt(const Score& score, int64_t from, int64_t to);

}  // namespace cadenza::music
