#include "music/repr/performance.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <tuple>

#include "music/score/time_map.h"

namespace cadenza::music::repr {
namespace {

struct TimedEvent {
  int64_t step;
  bool is_on;
  int pitch;
  int64_t end;  // note-ons: the end step, so that of two ons of one key the one that
                // ends first comes first, as FIFO decoding will pair them
  int velocity_bin;
};

}  // namespace

std::vector<int32_t> PerformanceTokenizer::encode(const Score& score) const {
  const TimeMap time(score);
  auto step_of = [&](int64_t tick) { return static_cast<int64_t>(std::llround(time.seconds(tick) * kStepsPerSecond)); };
  std::vector<TimedEvent> events;
  for (const Track& t : score.tracks) {
    if (t.is_drum) continue;
    for (const Note& n : t.notes) {
      const int64_t on = step_of(n.start);
      const int64_t off = std::max(on + 1, step_of(n.end));  // keep every note audible
      events.push_back({on, true, n.pitch, off, velocity_to_bin(n.velocity, kVelocityBins)});
      events.push_back({off, false, n.pitch, 0, 0});
    }
  }
  std::sort(events.begin(), events.end(), [](const TimedEvent& a, const TimedEvent& b) {
    if (a.step != b.step) return a.step < b.step;
    if (a.is_on != b.is_on) return !a.is_on;  // offs first
    return std::tie(a.pitch, a.end, a.velocity_bin) < std::tie(b.pitch, b.end, b.velocity_bin);
  });
  std::vector<int32_t> tokens;
  int64_t now = 0;
  int velocity_bin = -1;
  for (const TimedEvent& e : events) {
    for (int64_t gap = e.step - now; gap > 0; gap -= kMaxShiftSteps) {
      tokens.push_back(kTimeShift + static_cast<int32_t>(std::min<int64_t>(gap, kMaxShiftSteps)) - 1);
      check_length(tokens.size(), "performance");
    }
    now = std::max(now, e.step);
    if (e.is_on) {
      const int bin = e.velocity_bin;
      if (bin != velocity_bin) tokens.push_back(kVelocity + bin);
      velocity_bin = bin;
      tokens.push_back(kNoteOn + e.pitch);
    } else {
      tokens.push_back(kNoteOff + e.pitch);
    }
  }
  return tokens;
}

Score PerformanceTokenizer::decode(std::span<const int32_t> tokens) const {
  Score score = start_decoding(tokens, *this, kDecodeTicksPerQuarter);
  score.tempos.push_back({0, 500000});
  Track& track = score.tracks.front();
  constexpr int64_t kTicksPerStep = kDecodeTicksPerQuarter * 2 / kStepsPerSecond;  // 10 ms
  int64_t now = 0;
  int velocity = bin_to_velocity(velocity_to_bin(64, kVelocityBins), kVelocityBins);
  std::vector<std::deque<size_t>> sounding(128);
  for (int32_t token : tokens) {
    if (token < kNoteOff) {
      sounding[token].push_back(track.notes.size());
      track.notes.push_back({now, now, static_cast<uint8_t>(token), static_cast<uint8_t>(velocity)});
    } else if (token < kTimeShift) {
      auto& queue = sounding[token - kNoteOff];
      if (!queue.empty()) {
        track.notes[queue.front()].end = now;
        queue.pop_front();
      }
    } else if (token < kVelocity) {
      now += (token - kTimeShift + 1) * kTicksPerStep;
    } else {
      velocity = bin_to_velocity(token - kVelocity, kVelocityBins);
    }
  }
  for (auto& queue : sounding)
    for (size_t index : queue) track.notes[index].end = now;
  return score;
}

std::string PerformanceTokenizer::token_name(int32_t token) const {
  if (token < kNoteOff) return fmt::format("NOTE_ON_{}", token);
  if (token < kTimeShift) return fmt::format("NOTE_OFF_{}", token - kNoteOff);
  if (token < kVelocity) return fmt::format("TIME_SHIFT_{}ms", (token - kTimeShift + 1) * 10);
  return fmt::format("VELOCITY_{}", token - kVelocity + 1);
}

}  // namespace cadenza::music::repr
