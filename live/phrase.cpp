#include "live/phrase.h"

#include <algorithm>
#include <cmath>

namespace cadenza::live {

PhraseTracker::PhraseTracker(int64_t history_frames) : history_frames_(history_frames) {}

void PhraseTracker::feed(const MidiEvent& e) {
  if (e.is_note_on()) {
    if (open_[e.data1]) return;  // a repeated note-on while held: keep the first
    phrase_.push_back({e.frame, -1, e.data1, e.data2});
    open_[e.data1] = int(phrase_.size());
    ++held_;
    last_event_ = e.frame;
    epoch_ = e.epoch;
  } else if (e.is_note_off()) {
    if (!open_[e.data1]) return;  // a release of a key pressed before the phrase began
    phrase_[size_t(open_[e.data1] - 1)].off = std::max(e.frame, phrase_[size_t(open_[e.data1] - 1)].on);
    open_[e.data1] = 0;
    --held_;
    last_event_ = e.frame;
  }
}

std::vector<PlayedNote> PhraseTracker::phrase(int64_t now) const {
  std::vector<PlayedNote> notes = phrase_;
  for (PlayedNote& n : notes)
    if (n.off < 0) n.off = std::max(now, n.on);
  return notes;
}

void PhraseTracker::close_phrase() {
  // Held keys stay in the phrase that follows: only released notes move to the history.
  std::vector<PlayedNote> held;
  for (const PlayedNote& n : phrase_) {
    if (n.off < 0)
      held.push_back(n);
    else
      history_.push_back(n);
  }
  std::stable_sort(history_.begin(), history_.end(),
                   [](const PlayedNote& a, const PlayedNote& b) { return a.on < b.on; });
  phrase_.clear();
  open_.fill(0);
  for (const PlayedNote& n : held) {
    phrase_.push_back(n);
    open_[n.pitch] = int(phrase_.size());
  }
  forget_before(last_event_ - history_frames_);
}

void PhraseTracker::forget_before(int64_t frame) {
  history_.erase(std::remove_if(history_.begin(), history_.end(), [&](const PlayedNote& n) { return n.off < frame; }),
                 history_.end());
}

std::vector<PlayedNote> PhraseTracker::recent(int64_t since, int64_t now) const {
  std::vector<PlayedNote> out;
  for (const PlayedNote& n : history_)
    if (n.off >= since) out.push_back(n);
  for (PlayedNote n : phrase_) {
    if (n.off < 0) n.off = std::max(now, n.on);
    if (n.off >= since) out.push_back(n);
  }
  std::stable_sort(out.begin(), out.end(), [](const PlayedNote& a, const PlayedNote& b) { return a.on < b.on; });
  return out;
}

std::array<double, 12> PhraseTracker::pitch_class_time(int64_t from, int64_t to, double sample_rate) const {
  std::array<double, 12> time{};
  for (const PlayedNote& n : recent(from, to)) {
    const int64_t a = std::max(n.on, from), b = std::min(n.off, to);
    if (b > a) time[n.pitch % 12] += double(b - a) / sample_rate;
  }
  return time;
}

music::Score notes_to_score(const std::vector<PlayedNote>& notes, int64_t origin, double sample_rate,
                            double tempo_bpm) {
  music::Score score;
  score.ticks_per_quarter = 480;
  score.tempos.push_back({0, uint32_t(std::lround(60e6 / tempo_bpm))});
  music::Track track;
  track.name = "live";
  const double ticks_per_frame = tempo_bpm / 60.0 * 480.0 / sample_rate;
  for (const PlayedNote& n : notes) {
    if (n.on < origin) continue;
    const int64_t start = int64_t(std::llround(double(n.on - origin) * ticks_per_frame));
    const int64_t end = std::max<int64_t>(start + 1, std::llround(double(n.off - origin) * ticks_per_frame));
    track.notes.push_back({start, end, n.pitch, std::max<uint8_t>(n.velocity, 1)});
  }
  std::stable_sort(track.notes.begin(), track.notes.end(),
                   [](const music::Note& a, const music::Note& b) { return a.start < b.start; });
  score.tracks.push_back(std::move(track));
  return score;
}

}  // namespace cadenza::live
