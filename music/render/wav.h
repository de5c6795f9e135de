// Audio rendering through FluidSynth with a General MIDI SoundFont. Optional at build
// time: without FluidSynth, render_wav throws a clear message instead.
#pragma once

#include <filesystem>
#include <string>

#include "music/score/score.h"

namespace cadenza::music::render {

struct WavOptions {
  std::filesystem::path soundfont;  // empty: the first of default_soundfonts() that exists
  int sample_rate = 44100;
  double gain = 0.5;
  double tail_seconds = 1.0;    // let the last notes ring
  double max_seconds = 3600.0;  // longer scores are refused
};

bool wav_rendering_available();  // built with FluidSynth
// Where Debian's fluid-soundfont-gm and similar packages put a GM SoundFont.
std::filesystem::path find_soundfont();

// 16-bit stereo PCM WAV, streamed to disk in blocks (memory does not grow with length).
void render_wav(const Score& score, const std::filesystem::path& path, const WavOptions& options = {});

// The RIFF/WAVE header of 16-bit stereo PCM with `frames` frames.
std::string wav_header(int sample_rate, uint32_t frames);

}  // namespace cadenza::music::render
