#pragma once
// What the player changes while `cadenza live` or the plugin runs: each control is one
// atomic, written by whoever owns the user interface (the command line at start, a
// plugin's control ports in run()) and read by the worker before each phrase and each
// sampled step, so a change takes effect without a restart, a lock or a message.
#include <atomic>
#include <cstdint>
#include <string>

namespace cadenza::live {

// continue: after the player pauses, go on with what they played (the whole recent
//   history is the primer) for `length_beats`.
// answer: call and response: reply to the last phrase alone, for as long as it lasted
//   (at most `length_beats`).
// accompany: play chords under the player, beat-locked to the tempo (host or control).
enum class Mode : int { continue_phrase = 0, answer = 1, accompany = 2 };

// "continue", "answer" or "accompany"; throws naming the known ones.
Mode parse_mode(const std::string& name);
const char* mode_name(Mode mode);

struct Controls {
  std::atomic<int> mode{int(Mode::continue_phrase)};
  std::atomic<float> temperature{1.0f};   // > 0
  std::atomic<float> length_beats{8.0f};  // continuation length, at most, in beats
  std::atomic<float> density{8.0f};       // target generated note-ons per second
  std::atomic<int> key{-1};               // -1: any pitch; 0..11: snap to that major scale
  std::atomic<float> tempo_bpm{120.0f};   // the command line's, or the host's
  std::atomic<float> pause_ms{400.0f};    // silence that ends a phrase

  Mode current_mode() const { return Mode(mode.load(std::memory_order_relaxed)); }
};

// A copy of the controls at one instant, as the worker reads them for a step.
struct ControlValues {
  Mode mode = Mode::continue_phrase;
  double temperature = 1.0, length_beats = 8.0, density = 8.0, tempo_bpm = 120.0, pause_ms = 400.0;
  int key = -1;
};
ControlValues snapshot(const Controls& controls);
// Checks ranges and stores; throws naming the control (the command line and tests).
void store(Controls& controls, const ControlValues& values);

// A key: "any" (-1), a pitch-class name ("C", "F#", "Bb") or a number 0..11.
int parse_key(const std::string& name);
// One control change typed while running, "NAME VALUE": mode, temperature, length (beats),
// density, key, tempo, pause (ms). Checked as store() checks; throws naming the problem.
void apply_command(Controls& controls, const std::string& line);

}  // namespace cadenza::live
