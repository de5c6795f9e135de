#include "live/controls.h"

#include <array>
#include <cctype>
#include <sstream>

#include "engine/error.h"

namespace cadenza::live {

Mode parse_mode(const std::string& name) {
  if (name == "continue") return Mode::continue_phrase;
  if (name == "answer") return Mode::answer;
  if (name == "accompany") return Mode::accompany;
  fail("live: unknown mode '{}' (known: continue, answer, accompany)", name);
}

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::continue_phrase: return "continue";
    case Mode::answer: return "answer";
    case Mode::accompany: return "accompany";
  }
  return "?";
}

ControlValues snapshot(const Controls& c) {
  constexpr auto r = std::memory_order_relaxed;
  return {Mode(c.mode.load(r)), c.temperature.load(r), c.length_beats.load(r), c.density.load(r),
          c.tempo_bpm.load(r),  c.pause_ms.load(r),    c.key.load(r)};
}

void store(Controls& c, const ControlValues& v) {
  CADENZA_CHECK(v.temperature > 0 && v.temperature <= 10, "live: temperature must be in (0, 10], got {}",
                v.temperature);
  CADENZA_CHECK(v.length_beats > 0 && v.length_beats <= 256, "live: length must be in (0, 256] beats, got {}",
                v.length_beats);
  CADENZA_CHECK(v.density > 0 && v.density <= 64, "live: density must be in (0, 64] notes per second, got {}",
                v.density);
  CADENZA_CHECK(v.key >= -1 && v.key <= 11, "live: key must be -1 (any) or a pitch class 0..11, got {}", v.key);
  CADENZA_CHECK(v.tempo_bpm >= 20 && v.tempo_bpm <= 400, "live: tempo must be in [20, 400] BPM, got {}", v.tempo_bpm);
  CADENZA_CHECK(v.pause_ms >= 20 && v.pause_ms <= 10000, "live: pause must be in [20, 10000] ms, got {}", v.pause_ms);
  constexpr auto r = std::memory_order_relaxed;
  c.mode.store(int(v.mode), r);
  c.temperature.store(float(v.temperature), r);
  c.length_beats.store(float(v.length_beats), r);
  c.density.store(float(v.density), r);
  c.key.store(v.key, r);
  c.tempo_bpm.store(float(v.tempo_bpm), r);
  c.pause_ms.store(float(v.pause_ms), r);
}

int parse_key(const std::string& name) {
  if (name == "any" || name == "-1") return -1;
  if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) {
    size_t used = 0;
    const int k = std::stoi(name, &used);
    CADENZA_CHECK(used == name.size() && k >= 0 && k <= 11, "live: key '{}' is not 0..11", name);
    return k;
  }
  static constexpr std::array<int, 7> natural{9, 11, 0, 2, 4, 5, 7};  // A..G
  const char letter = char(std::toupper(static_cast<unsigned char>(name.empty() ? ' ' : name[0])));
  CADENZA_CHECK(
      letter >= 'A' && letter <= 'G' && name.size() <= 2 && (name.size() == 1 || name[1] == '#' || name[1] == 'b'),
      "live: unknown key '{}' (any, C, C#, Db, ..., B, or 0..11)", name);
  int k = natural[size_t(letter - 'A')];
  if (name.size() == 2) k += name[1] == '#' ? 1 : -1;
  return (k + 12) % 12;
}

void apply_command(Controls& controls, const std::string& line) {
  std::istringstream in(line);
  std::string name, value, extra;
  in >> name >> value;
  CADENZA_CHECK(!name.empty() && !value.empty() && !(in >> extra), "live: expected 'NAME VALUE', got '{}'", line);
  ControlValues v = snapshot(controls);
  auto number = [&] {
    size_t used = 0;
    double x = 0;
    try {
      x = std::stod(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    CADENZA_CHECK(used == value.size(), "live: {} takes a number, got '{}'", name, value);
    return x;
  };
  if (name == "mode")
    v.mode = parse_mode(value);
  else if (name == "temperature")
    v.temperature = number();
  else if (name == "length")
    v.length_beats = number();
  else if (name == "density")
    v.density = number();
  else if (name == "key")
    v.key = parse_key(value);
  else if (name == "tempo")
    v.tempo_bpm = number();
  else if (name == "pause")
    v.pause_ms = number();
  else
    fail("live: unknown control '{}' (mode, temperature, length, density, key, tempo, pause)", name);
  store(controls, v);
}

}  // namespace cadenza::live
