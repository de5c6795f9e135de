#include "tools/sample_controls.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <sstream>

#include "engine/error.h"

namespace cadenza::tools {

void add_control_options(CLI::App& cmd, ControlCli& o) {
  cmd.add_option("--note-density", o.note_density, "Notes per second to aim for (performance_rnn with note_density)");
  cmd.add_option("--key", o.key,
                 "Key to favour, e.g. C, F#, Bb, Am, C# minor: its pitch-class histogram "
                 "(performance_rnn with pitch_histogram)");
  cmd.add_option("--pitch-histogram", o.pitch_histogram,
                 "12 comma-separated pitch-class weights from C (performance_rnn with pitch_histogram)");
  cmd.add_option("--tempo", o.tempo, "Tempo of the output MIDI in quarter notes per minute (any model)");
}

std::array<double, 12> key_pitch_histogram(const std::string& key) {
  auto bad = [&] {
    return Error(
        fmt::format("--key '{}': expected a tonic A-G, optionally # or b, then m/minor or major (e.g. F#m, Bb)", key));
  };
  if (key.empty()) throw bad();
  static constexpr int kNatural[7] = {9, 11, 0, 2, 4, 5, 7};  // A B C D E F G
  const char letter = char(std::toupper(static_cast<unsigned char>(key[0])));
  if (letter < 'A' || letter > 'G') throw bad();
  int tonic = kNatural[letter - 'A'];
  size_t i = 1;
  if (i < key.size() && (key[i] == '#' || key[i] == 'b')) tonic += key[i++] == '#' ? 1 : -1;
  tonic = (tonic + 12) % 12;
  std::string mode = key.substr(i);
  mode.erase(0, mode.find_first_not_of(' '));
  const bool minor = mode == "m" || mode == "min" || mode == "minor";
  if (!minor && !mode.empty() && mode != "maj" && mode != "major") throw bad();
  static constexpr int kMajor[7] = {0, 2, 4, 5, 7, 9, 11}, kMinor[7] = {0, 2, 3, 5, 7, 8, 10};
  std::array<double, 12> h{};
  for (int step : minor ? kMinor : kMajor) h[size_t((tonic + step) % 12)] = 1;
  h[size_t(tonic)] = 2;
  return h;
}

nlohmann::json controls_json(const ControlCli& o, const CLI::App& cmd) {
  nlohmann::json controls = nlohmann::json::object();
  if (cmd.count("--note-density")) {
    if (!(o.note_density >= 0 && std::isfinite(o.note_density)))
      fail("--note-density must be notes per second >= 0, not {}", o.note_density);
    controls["note_density"] = o.note_density;
  }
  if (cmd.count("--key") && cmd.count("--pitch-histogram"))
    fail("--key and --pitch-histogram both set the pitch-class histogram; give one");
  if (cmd.count("--key")) controls["pitch_histogram"] = key_pitch_histogram(o.key);
  if (cmd.count("--pitch-histogram")) {
    std::vector<double> h;
    std::stringstream in(o.pitch_histogram);
    for (std::string item; std::getline(in, item, ',');) {
      size_t used = 0;
      double v = NAN;
      try {
        v = std::stod(item, &used);
      } catch (const std::exception&) {
      }
      if (!(v >= 0 && std::isfinite(v)) || item.find_first_not_of(' ', used) != std::string::npos)
        fail("--pitch-histogram: '{}' is not a weight >= 0", item);
      h.push_back(v);
    }
    if (h.size() != 12) fail("--pitch-histogram needs 12 weights (C to B), got {}", h.size());
    controls["pitch_histogram"] = h;
  }
  return controls;
}

void check_tempo(double qpm) {
  if (!(qpm >= 4 && qpm <= 1000)) fail("--tempo must be between 4 and 1000 quarter notes per minute, not {}", qpm);
}

void set_tempo(music::Score& score, double qpm) {
  check_tempo(qpm);
  score.tempos = {music::Tempo{0, static_cast<uint32_t>(std::lround(60e6 / qpm))}};
}

}  // namespace cadenza::tools
