#pragma once
// What the live tests share: small untrained models of the three streamed families, a
// clock that drives the real-time side period by period, and the checks every generated
// event stream must pass.
#include <memory>
#include <string>
#include <vector>

#include "live/live_engine.h"
#include "live/note_stream.h"
#include "models/model.h"

namespace cadenza::live::test {

// "performance_rnn", "poly_rnn" or "music_transformer" at a few thousand parameters.
std::shared_ptr<models::Model> tiny_model(const std::string& family);

inline constexpr double kRate = 48000;
inline constexpr uint32_t kPeriod = 256;

// Runs the engine's real-time side from frame `clock` for periods of kPeriod frames,
// feeding `input` (absolute frames, sorted) as it falls due and collecting the output with
// absolute frames, until `until` frames or `stop(out)` says so; sleeps `wall_us` per period
// so the worker runs meanwhile.
struct Drive {
  explicit Drive(LiveEngine& e) : engine(e) {}
  LiveEngine& engine;
  int64_t clock = 0;
  std::vector<MidiEvent> out;
  void run(const std::vector<MidiEvent>& input, int64_t until, int wall_us = 300);
  void run_until_quiet(int64_t max_frames, int64_t quiet_frames, int wall_us = 300);
};

// Note-ons and note-offs only, pitches and velocities in MIDI range, every note-off closing
// a sounding note-on of its key, no key struck twice, nothing left sounding, times sorted.
void check_note_stream(const std::vector<MidiEvent>& events);
void check_gen_events(const std::vector<GenEvent>& events, double seconds);

// A phrase of notes one after another: pitch, start, end (frames).
std::vector<MidiEvent> phrase(const std::vector<int>& pitches, int64_t start, int64_t note_frames);

}  // namespace cadenza::live::test
