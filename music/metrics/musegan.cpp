#include "music/metrics/musegan.h"

#include <array>
#include <bitset>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace cadenza::music::metrics {
namespace {

bool sounding(const repr::PianoRoll& r, size_t track, int64_t step, int pitch) {
  return r.velocity[r.index(track, step, pitch)] > 0;
}

void check_track(const repr::PianoRoll& r, size_t track) {
  if (track >= r.tracks.size()) throw std::out_of_range("metric: no such track in the piano roll");
}

int64_t bar_count(const repr::PianoRoll& r, int steps_per_bar) {
  if (steps_per_bar < 1) throw std::invalid_argument("metric: steps_per_bar must be positive");
  return (r.num_steps + steps_per_bar - 1) / steps_per_bar;
}

// Calls f(start, length) for every note (run of sounding cells) of one pitch row.
template <class F>
void for_each_note(const repr::PianoRoll& r, size_t track, int pitch, F f) {
  const bool with_onsets = r.onsets.size() == r.velocity.size();
  int64_t start = -1;
  for (int64_t s = 0; s <= r.num_steps; ++s) {
    const bool on = s < r.num_steps && sounding(r, track, s, pitch);
    const bool onset = on && with_onsets && r.onsets[r.index(track, s, pitch)] && s > start && start >= 0;
    if (start >= 0 && (!on || onset)) {
      f(start, s - start);
      start = -1;
    }
    if (on && start < 0) start = s;
  }
}

}  // namespace

double empty_bar_rate(const repr::PianoRoll& r, size_t track, int steps_per_bar) {
  check_track(r, track);
  const int64_t bars = bar_count(r, steps_per_bar);
  if (bars == 0) return 0.0;
  const int lo = r.config.lowest_pitch, hi = lo + r.config.num_pitches;
  int64_t empty = 0;
  for (int64_t b = 0; b < bars; ++b) {
    bool any = false;
    for (int64_t s = b * steps_per_bar; s < std::min(r.num_steps, (b + 1) * steps_per_bar) && !any; ++s)
      for (int p = lo; p < hi && !any; ++p) any = sounding(r, track, s, p);
    empty += !any;
  }
  return static_cast<double>(empty) / static_cast<double>(bars);
}

double used_pitch_classes(const repr::PianoRoll& r, size_t track, int steps_per_bar) {
  check_track(r, track);
  const int64_t bars = bar_count(r, steps_per_bar);
  const int lo = r.config.lowest_pitch, hi = lo + r.config.num_pitches;
  double total = 0;
  int64_t counted = 0;
  for (int64_t b = 0; b < bars; ++b) {
    std::bitset<12> classes;
    for (int64_t s = b * steps_per_bar; s < std::min(r.num_steps, (b + 1) * steps_per_bar); ++s)
      for (int p = lo; p < hi; ++p)
        if (sounding(r, track, s, p)) classes.set(static_cast<size_t>(p % 12));
    if (classes.none()) continue;
    total += static_cast<double>(classes.count());
    ++counted;
  }
  return counted ? total / static_cast<double>(counted) : 0.0;
}

// Rounded up: at 12 steps per quarter a 32nd note is 1.5 steps, and a 1-step note is shorter.
int qualified_min_steps(int steps_per_quarter) { return std::max(1, (steps_per_quarter + 7) / 8); }

double qualified_note_rate(const repr::PianoRoll& r, size_t track, int min_steps) {
  check_track(r, track);
  int64_t notes = 0, qualified = 0;
  for (int p = r.config.lowest_pitch; p < r.config.lowest_pitch + r.config.num_pitches; ++p)
    for_each_note(r, track, p, [&](int64_t, int64_t length) {
      ++notes;
      qualified += length >= min_steps;
    });
  return notes ? static_cast<double>(qualified) / static_cast<double>(notes) : 0.0;
}

double drum_pattern_rate(const repr::PianoRoll& r, size_t track, double tolerance) {
  check_track(r, track);
  if (r.config.steps_per_quarter % 4 != 0)
    throw std::invalid_argument("drum pattern: steps_per_quarter must be a multiple of 4");
  const int64_t grid = r.config.steps_per_quarter / 4;  // steps per 16th note
  double weight = 0;
  int64_t notes = 0;
  for (int p = r.config.lowest_pitch; p < r.config.lowest_pitch + r.config.num_pitches; ++p)
    for_each_note(r, track, p, [&](int64_t start, int64_t) {
      ++notes;
      const int64_t off = start % grid;
      if (off == 0)
        weight += 1.0;
      else if (off == 1 || off == grid - 1)
        weight += tolerance;
    });
  return notes ? weight / static_cast<double>(notes) : 0.0;
}

namespace {

using Centroid = std::array<double, 6>;

// Tonal centroid of the track's chroma over steps [from, to); false when it is silent.
bool tonal_centroid(const repr::PianoRoll& r, size_t track, int64_t from, int64_t to, Centroid& out) {
  std::array<double, 12> chroma{};
  double sum = 0;
  for (int64_t s = from; s < to; ++s)
    for (int p = r.config.lowest_pitch; p < r.config.lowest_pitch + r.config.num_pitches; ++p)
      if (sounding(r, track, s, p)) {
        chroma[static_cast<size_t>(p % 12)] += 1.0;
        sum += 1.0;
      }
  if (sum == 0) return false;
  constexpr double pi = std::numbers::pi;
  // Harte et al.: angles l * 7pi/6 (fifths), l * 3pi/2 (minor thirds), l * 2pi/3 (major
  // thirds), radii 1, 1, 0.5.
  const double angle[3] = {7.0 * pi / 6.0, 3.0 * pi / 2.0, 2.0 * pi / 3.0};
  const double radius[3] = {1.0, 1.0, 0.5};
  out.fill(0.0);
  for (int l = 0; l < 12; ++l) {
    const double c = chroma[static_cast<size_t>(l)] / sum;
    for (int k = 0; k < 3; ++k) {
      out[2 * k] += c * radius[k] * std::sin(l * angle[k]);
      out[2 * k + 1] += c * radius[k] * std::cos(l * angle[k]);
    }
  }
  return true;
}

}  // namespace

double tonal_distance(const repr::PianoRoll& r, size_t a, size_t b, int steps_per_beat) {
  check_track(r, a);
  check_track(r, b);
  if (steps_per_beat < 1) throw std::invalid_argument("tonal distance: steps_per_beat must be positive");
  double total = 0;
  int64_t beats = 0;
  for (int64_t s = 0; s < r.num_steps; s += steps_per_beat) {
    Centroid ca, cb;
    const int64_t e = std::min(r.num_steps, s + steps_per_beat);
    if (!tonal_centroid(r, a, s, e, ca) || !tonal_centroid(r, b, s, e, cb)) continue;
    double d2 = 0;
    for (size_t i = 0; i < 6; ++i) d2 += (ca[i] - cb[i]) * (ca[i] - cb[i]);
    total += std::sqrt(d2);
    ++beats;
  }
  return beats ? total / static_cast<double>(beats) : 0.0;
}

}  // namespace cadenza::music::metrics
