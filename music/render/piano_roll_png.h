// A piano-roll picture of a score: time left to right, pitch bottom to top, one colour
// per track (drums grey), bar lines, beat lines, and a keyboard strip on the left as the
// pitch axis (a darker line across at every C).
#pragma once

#include <filesystem>

#include "music/render/image.h"
#include "music/score/score.h"

namespace cadenza::music::render {

struct PianoRollPngOptions {
  int pixels_per_beat = 16;  // reduced if the picture would be wider than max_width
  int pixels_per_pitch = 4;
  int max_width = 8000;
  int keyboard_width = 24;
};

// The pitch range shown is the score's, widened to whole octaves (C to B).
Image render_piano_roll(const Score& score, const PianoRollPngOptions& options = {});
void write_piano_roll_png(const Score& score, const std::filesystem::path& path,
                          const PianoRollPngOptions& options = {});

// The colour a track's notes are drawn in.
Rgb track_colour(const Track& track, size_t index);

}  // namespace cadenza::music::render
