#include "music/render/piano_roll_png.h"

#include <algorithm>
#include <cmath>

namespace cadenza::music::render {
namespace {

constexpr Rgb kBackground{250, 250, 250};
constexpr Rgb kBlackKeyRow{238, 238, 242};
constexpr Rgb kBeatLine{225, 225, 225};
constexpr Rgb kBarLine{150, 150, 150};
constexpr Rgb kOctaveLine{200, 200, 210};
constexpr Rgb kWhiteKey{255, 255, 255};
constexpr Rgb kBlackKey{30, 30, 30};
constexpr Rgb kDrums{110, 110, 110};

bool is_black_key(int pitch) {
  const int c = pitch % 12;
  return c == 1 || c == 3 || c == 6 || c == 8 || c == 10;
}

}  // namespace

Rgb track_colour(const Track& track, size_t index) {
  // Tableau-like palette: distinct hues that stay readable on white.
  static constexpr Rgb kPalette[] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
                                     {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {188, 189, 34},
                                     {23, 190, 207},  {57, 59, 121},  {173, 73, 74},   {99, 121, 57}};
  return track.is_drum ? kDrums : kPalette[index % std::size(kPalette)];
}

Image render_piano_roll(const Score& score, const PianoRollPngOptions& o) {
  int lo = 127, hi = 0;
  for (const Track& t : score.tracks)
    for (const Note& n : t.notes) {
      lo = std::min<int>(lo, n.pitch);
      hi = std::max<int>(hi, n.pitch);
    }
  if (lo > hi) lo = 60, hi = 71;
  lo = lo / 12 * 12;
  hi = std::min(127, hi / 12 * 12 + 11);
  const int rows = hi - lo + 1;
  const double beats = std::max(1.0, static_cast<double>(score.end_tick()) / std::max(1, score.ticks_per_quarter));
  const double ppb = std::min<double>(o.pixels_per_beat, std::max(1, o.max_width - o.keyboard_width) / beats);
  const int width = o.keyboard_width + static_cast<int>(std::ceil(beats * ppb)) + 1;
  const int height = rows * o.pixels_per_pitch;
  Image img(width, height, kBackground);
  auto y_of = [&](int pitch) { return (hi - pitch) * o.pixels_per_pitch; };
  auto x_of = [&](int64_t tick) {
    return o.keyboard_width + static_cast<int>(std::lround(static_cast<double>(tick) / score.ticks_per_quarter * ppb));
  };

  // Rows: black-key rows shaded, a line under every C; keyboard strip on the left.
  for (int p = lo; p <= hi; ++p) {
    if (is_black_key(p)) img.fill_rect(o.keyboard_width, y_of(p), width, y_of(p) + o.pixels_per_pitch, kBlackKeyRow);
    img.fill_rect(0, y_of(p), o.keyboard_width, y_of(p) + o.pixels_per_pitch, is_black_key(p) ? kBlackKey : kWhiteKey);
    if (p % 12 == 0)
      img.fill_rect(0, y_of(p) + o.pixels_per_pitch - 1, width, y_of(p) + o.pixels_per_pitch, kOctaveLine);
  }
  // Beat lines (when they are far enough apart to read), then bar lines per time signature.
  const int64_t end = score.end_tick();
  if (ppb >= 4)
    for (int64_t t = 0; t <= end; t += score.ticks_per_quarter)
      img.fill_rect(x_of(t), 0, x_of(t) + 1, height, kBeatLine);
  std::vector<TimeSignature> sigs = score.time_signatures;
  if (sigs.empty() || sigs.front().tick > 0) sigs.insert(sigs.begin(), TimeSignature{});
  for (size_t i = 0; i < sigs.size(); ++i) {
    const int64_t stop = i + 1 < sigs.size() ? sigs[i + 1].tick : end + 1;
    const int64_t bar = bar_ticks(sigs[i], score.ticks_per_quarter);
    if (bar * ppb / score.ticks_per_quarter < 2) continue;  // bars closer than 2 px: skip
    for (int64_t t = sigs[i].tick; t < stop; t += bar) img.fill_rect(x_of(t), 0, x_of(t) + 1, height, kBarLine);
  }
  // Notes: at least one pixel wide, a pixel of gap between rows.
  for (size_t ti = 0; ti < score.tracks.size(); ++ti) {
    const Rgb c = track_colour(score.tracks[ti], ti);
    for (const Note& n : score.tracks[ti].notes) {
      const int x0 = x_of(n.start);
      const int x1 = std::max(x0 + 1, x_of(n.end));
      img.fill_rect(x0, y_of(n.pitch), x1, y_of(n.pitch) + std::max(1, o.pixels_per_pitch - 1), c);
    }
  }
  return img;
}

void write_piano_roll_png(const Score& score, const std::filesystem::path& path, const PianoRollPngOptions& options) {
  write_png(render_piano_roll(score, options), path);
}

}  // namespace cadenza::music::render
