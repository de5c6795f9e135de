#include "live/worker.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "live/chords.h"

namespace cadenza::live {
namespace {

// How often the worker looks at the clock when nothing wakes it (accompaniment, phrase
// ends): a fraction of any sensible pause or beat.
constexpr int64_t kTickMicros = 2000;
// How long before a beat its chord is posted: worker wake-up jitter plus a period or two.
constexpr double kBeatLookaheadSeconds = 0.06;
// A chord is posted at least this long before its beat, or not at all (about a period).
constexpr double kBeatMarginSeconds = 0.006;

}  // namespace

Worker::Worker(std::shared_ptr<models::Model> model, Controls& controls, Channels& channels, WorkerOptions options)
    : model_(std::move(model)),
      controls_(controls),
      channels_(channels),
      options_(options),
      tracker_(int64_t(options.history_seconds * options.sample_rate)),
      gen_(options.seed) {
  if (model_) stream_ = make_note_stream(model_);
}

Worker::~Worker() { stop(); }

void Worker::stop() {
  stopping_.store(true);
  channels_.wake.post();
  if (thread_.joinable()) thread_.join();
}

std::string Worker::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

void Worker::start() {
  stopping_.store(false);
  thread_ = std::thread([this] {
    while (!stopping_.load()) {
      channels_.wake.wait_for(kTickMicros);
      tick();
    }
  });
}

void Worker::tick() {
  drain_input();
  const ControlValues values = snapshot(controls_);
  const int64_t now = channels_.now.load(std::memory_order_acquire);
  const int64_t pause = int64_t(values.pause_ms * 1e-3 * options_.sample_rate);
  try {
    if (values.mode == Mode::accompany)
      accompany(values, now);
    else if (stream_ && tracker_.has_phrase() && tracker_.held() == 0 && answered_epoch_ != tracker_.epoch())
      continue_phrase(values);
  } catch (const std::exception& e) {
    stats_.errors.fetch_add(1);
    std::lock_guard lock(error_mutex_);
    last_error_ = e.what();
    answered_epoch_ = tracker_.epoch();  // not again for the same phrase
  }
  if (tracker_.ended(now, pause)) tracker_.close_phrase();
}

void Worker::drain_input() {
  MidiEvent e;
  while (channels_.input.pop(e)) tracker_.feed(e);
}

void Worker::continue_phrase(const ControlValues& v) {
  const uint32_t epoch = tracker_.epoch();
  answered_epoch_ = epoch;
  const double sr = options_.sample_rate;
  const int64_t last = tracker_.last_event_frame();
  const int64_t start = last + int64_t(v.pause_ms * 1e-3 * sr);
  const std::vector<PlayedNote> notes = v.mode == Mode::answer
                                            ? tracker_.phrase(last)
                                            : tracker_.recent(last - int64_t(options_.primer_seconds * sr), last);
  if (notes.empty()) return;
  const double beat = 60.0 / v.tempo_bpm;
  double seconds = v.length_beats * beat;
  if (v.mode == Mode::answer) {
    // As long as the call, at least a beat, at most the length control.
    int64_t first = notes.front().on, end = first;
    for (const PlayedNote& n : notes) end = std::max(end, n.off);
    seconds = std::clamp(double(end - first) / sr, beat, seconds);
  }
  StreamRequest request{notes_to_score(notes, notes.front().on, sr, v.tempo_bpm), seconds, v.temperature, v.density,
                        v.tempo_bpm};
  stats_.continuations.fetch_add(1);
  stream_->start(request, gen_);
  shaper_.reset();
  std::vector<GenEvent> events;
  // The answer begins one pause after the release: a rest the model starts with is
  // dropped (the pause was the rest), so every event moves earlier by the first strike's time.
  double lead = -1;
  bool more = true;
  while (more && !stopping_.load()) {
    if (stale(epoch)) {
      stats_.cancelled.fetch_add(1);
      return;  // the real-time side releases what already sounds
    }
    events.clear();
    stream_->set_temperature(controls_.temperature.load(std::memory_order_relaxed));
    more = stream_->step(events);
    const int key = controls_.key.load(std::memory_order_relaxed);
    const double density = controls_.density.load(std::memory_order_relaxed);
    for (GenEvent& g : events) {
      if (!shaper_.shape(g, g.time, key, density)) continue;
      if (lead < 0) lead = g.time;  // the shaper passes no release before the first strike
      const int64_t frame = start + std::llround((g.time - lead) * sr);
      if (!post(g.on ? note_on(frame, g.pitch, g.velocity, epoch) : note_off(frame, g.pitch, epoch))) return;
    }
  }
  if (!more) stats_.completed.fetch_add(1);
}

void Worker::accompany(const ControlValues& v, int64_t now) {
  const double sr = options_.sample_rate;
  double frames_per_beat = sr * 60.0 / v.tempo_bpm;
  // A MIDI clock that ticked within the last half second sets the tempo (its beat grid is
  // already in beat_origin); without one, the tempo control (or the host's) does.
  const int64_t clock_beat = channels_.clock_frames_per_beat.load(std::memory_order_relaxed);
  const int64_t last_tick = channels_.clock_last_tick.load(std::memory_order_acquire);
  const bool ticking = last_tick != INT64_MIN && now - last_tick < int64_t(0.5 * sr);
  if (ticking && clock_beat == 0) return;  // a clock has started: no grid until its second beat
  if (ticking) frames_per_beat = double(clock_beat);
  const double bpm = sr * 60.0 / frames_per_beat;
  const int64_t origin = channels_.beat_origin.load(std::memory_order_acquire);
  const int64_t next = int64_t(std::floor(double(now - origin) / frames_per_beat)) + 1;
  const int64_t beat_frame = origin + std::llround(double(next) * frames_per_beat);
  // By frame, not by index: the origin moves with every beat of a MIDI clock.
  if (beat_frame <= last_beat_frame_ + int64_t(frames_per_beat / 2)) return;
  if (double(beat_frame - now) > kBeatLookaheadSeconds * sr) return;
  last_beat_frame_ = beat_frame;
  // A beat already within the period being played (a clock's grid just found) would sound
  // late: better no chord than a late one.
  if (double(beat_frame - now) < kBeatMarginSeconds * sr) return;
  const std::array<double, 12> seconds = tracker_.pitch_class_time(beat_frame - int64_t(frames_per_beat), now, sr);
  const std::optional<Chord> chord = choose_chord(seconds, v.key);
  if (!chord) return;
  const int voices = int(std::lround(v.density * 60.0 / bpm));
  const int64_t off = beat_frame + int64_t(0.9 * frames_per_beat);  // a breath before the next chord
  const std::vector<int> pitches = voice_chord(*chord, voices);
  for (int p : pitches)
    if (!post(note_on(beat_frame, p, 72, kEveryEpoch))) return;
  for (int p : pitches)
    if (!post(note_off(off, p, kEveryEpoch))) return;
  stats_.chords.fetch_add(1);
}

bool Worker::post(const MidiEvent& e) {
  while (!channels_.output.push(e)) {
    if (stopping_.load() || (e.epoch != kEveryEpoch && stale(e.epoch))) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  stats_.events.fetch_add(1, std::memory_order_relaxed);
  return true;
}

}  // namespace cadenza::live
