#pragma once
// Phrase detection, on the worker's side of the queue: the notes the player holds and
// has played, and when a phrase is over — no key held and `pause` frames of silence
// since the last event. Played phrases are kept as a history of the last minute: the
// primer of `continue` and the harmony `accompany` reads.
#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "live/midi_event.h"
#include "music/score/score.h"

namespace cadenza::live {

struct PlayedNote {
  int64_t on = 0, off = -1;  // frames; off = -1 while the key is held
  uint8_t pitch = 60, velocity = 64;
};

class PhraseTracker {
 public:
  // `history_frames`: how far back the history reaches (older notes are forgotten).
  explicit PhraseTracker(int64_t history_frames);

  // One input event (note-on, note-off; other messages are ignored).
  void feed(const MidiEvent& e);
  int held() const { return held_; }
  bool has_phrase() const { return !phrase_.empty(); }
  int64_t last_event_frame() const { return last_event_; }
  // The epoch of the last note-on fed (MidiEvent::epoch as the real-time side set it).
  uint32_t epoch() const { return epoch_; }
  // Whether the current phrase is over at frame `now`.
  bool ended(int64_t now, int64_t pause_frames) const {
    return has_phrase() && held_ == 0 && now - last_event_ >= pause_frames;
  }
  // The current phrase's notes (held ones end at `now`), by onset.
  std::vector<PlayedNote> phrase(int64_t now) const;
  // Moves the current phrase into the history; the next note-on starts a new one.
  void close_phrase();
  // History and current phrase notes that sound at or after `since`, by onset.
  std::vector<PlayedNote> recent(int64_t since, int64_t now) const;
  // Seconds each pitch class sounds within [from, to) (history and phrase).
  std::array<double, 12> pitch_class_time(int64_t from, int64_t to, double sample_rate) const;

 private:
  void forget_before(int64_t frame);

  int64_t history_frames_;
  std::vector<PlayedNote> phrase_;
  std::deque<PlayedNote> history_;
  std::array<int, 128> open_{};  // index + 1 into phrase_ of the held note per pitch; 0: none
  int held_ = 0;
  int64_t last_event_ = 0;
  uint32_t epoch_ = 0;
};

// The notes as a one-track score at `tempo_bpm` (480 ticks per quarter), time 0 at `origin`.
music::Score notes_to_score(const std::vector<PlayedNote>& notes, int64_t origin, double sample_rate, double tempo_bpm);

}  // namespace cadenza::live
