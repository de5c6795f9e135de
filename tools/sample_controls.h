// The conditioning options of `cadenza sample`: what the model is asked to follow
// (SampleOptions.controls — note density and a key as a pitch-class histogram, as
// Magenta's performance_rnn_generate takes --notes_per_second and --pitch_class_histogram)
// and the tempo written into every output MIDI file, whatever the model.
#pragma once

#include <CLI/CLI.hpp>
#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "music/score/score.h"

namespace cadenza::tools {

struct ControlCli {
  double note_density = 0;      // notes per second
  std::string key;              // "C", "F#", "Bb", "Am", "C# minor", ...
  std::string pitch_histogram;  // 12 comma-separated weights, C first
  double tempo = 0;             // quarter notes per minute
};

void add_control_options(CLI::App& cmd, ControlCli& o);

// SampleOptions.controls from the options given (an empty object when none is). Bad
// values throw one line naming the option.
nlohmann::json controls_json(const ControlCli& o, const CLI::App& cmd);

// Magenta's way of asking for a key: weight 2 on the tonic, 1 on the other six notes of
// the major or natural minor scale, 0 elsewhere (C major: 2,0,1,0,1,1,0,1,0,1,0,1).
// Unknown spellings throw.
std::array<double, 12> key_pitch_histogram(const std::string& key);

// Throws unless 4 <= qpm <= 1000 (MIDI's 24-bit microseconds per quarter fit below 4).
void check_tempo(double qpm);
// Replaces the tempo map by one tempo, `qpm` quarter notes per minute, from tick 0; the
// notes keep their positions in beats.
void set_tempo(music::Score& score, double qpm);

}  // namespace cadenza::tools
