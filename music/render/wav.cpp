#include "music/render/wav.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "engine/serialize/atomic_file.h"
#include "music/score/time_map.h"

#ifdef CADENZA_HAVE_FLUIDSYNTH
#include <fluidsynth.h>
#endif

namespace cadenza::music::render {

namespace {

void put_le(std::string& s, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace

std::string wav_header(int sample_rate, uint32_t frames) {
  const uint32_t data = frames * 4;  // 2 channels x 2 bytes
  std::string h = "RIFF";
  put_le(h, 36 + data, 4);
  h += "WAVEfmt ";
  put_le(h, 16, 4);
  put_le(h, 1, 2);  // PCM
  put_le(h, 2, 2);  // stereo
  put_le(h, static_cast<uint32_t>(sample_rate), 4);
  put_le(h, static_cast<uint32_t>(sample_rate) * 4, 4);
  put_le(h, 4, 2);
  put_le(h, 16, 2);
  h += "data";
  put_le(h, data, 4);
  return h;
}

std::filesystem::path find_soundfont() {
  for (const char* p : {"/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/default-GM.sf2",
                        "/usr/share/soundfonts/FluidR3_GM.sf2", "/usr/share/soundfonts/default.sf2"}) {
    std::error_code ec;
    if (std::filesystem::exists(p, ec)) return p;
  }
  return {};
}

#ifdef CADENZA_HAVE_FLUIDSYNTH

bool wav_rendering_available() { return true; }

namespace {

struct SynthEvent {
  double seconds;
  int order;  // at one instant: programs and controls, then offs, then ons
  int kind;   // 0 program, 1 control, 2 bend, 3 off, 4 on
  int channel, a, b;
};

std::vector<SynthEvent> synth_events(const Score& score) {
  const TimeMap time(score);
  std::vector<SynthEvent> ev;
  for (const Track& t : score.tracks) {
    const int ch = t.is_drum ? kDrumChannel : t.channel;
    if (t.program_changes.empty()) ev.push_back({0.0, 0, 0, ch, t.program, 0});
    for (const auto& pc : t.program_changes) ev.push_back({time.seconds(pc.tick), 0, 0, ch, pc.program, 0});
    for (const auto& cc : t.controls) ev.push_back({time.seconds(cc.tick), 0, 1, ch, cc.number, cc.value});
    for (const auto& pb : t.pitch_bends) ev.push_back({time.seconds(pb.tick), 0, 2, ch, pb.value + 8192, 0});
    for (const Note& n : t.notes) {
      ev.push_back({time.seconds(n.start), 2, 4, ch, n.pitch, n.velocity});
      ev.push_back({time.seconds(n.end), 1, 3, ch, n.pitch, 0});
    }
  }
  std::stable_sort(ev.begin(), ev.end(), [](const SynthEvent& x, const SynthEvent& y) {
    return x.seconds != y.seconds ? x.seconds < y.seconds : x.order < y.order;
  });
  return ev;
}

// Owns the FluidSynth objects so every exit path frees them.
struct Synth {
  fluid_settings_t* settings = nullptr;
  fluid_synth_t* synth = nullptr;
  ~Synth() {
    if (synth) delete_fluid_synth(synth);
    if (settings) delete_fluid_settings(settings);
  }
};

}  // namespace

void render_wav(const Score& score, const std::filesystem::path& path, const WavOptions& o) {
  const std::filesystem::path sf = o.soundfont.empty() ? find_soundfont() : o.soundfont;
  std::error_code ec;
  if (sf.empty() || !std::filesystem::exists(sf, ec))
    throw std::runtime_error(
        sf.empty()
            ? std::string("no General MIDI SoundFont found: install fluid-soundfont-gm or pass --soundfont FILE.sf2")
            : fmt::format("SoundFont {} not found", sf.string()));
  const std::vector<SynthEvent> events = synth_events(score);
  const double duration = (events.empty() ? 0.0 : events.back().seconds) + o.tail_seconds;
  if (duration > o.max_seconds)
    throw std::runtime_error(
        fmt::format("score lasts {:.0f} s, more than the {:.0f} s rendering limit", duration, o.max_seconds));

  for (int level : {FLUID_PANIC, FLUID_ERR, FLUID_WARN, FLUID_INFO, FLUID_DBG})
    fluid_set_log_function(level, nullptr, nullptr);  // our errors say what went wrong
  Synth s;
  s.settings = new_fluid_settings();
  fluid_settings_setnum(s.settings, "synth.sample-rate", o.sample_rate);
  fluid_settings_setnum(s.settings, "synth.gain", o.gain);
  s.synth = new_fluid_synth(s.settings);
  if (!s.synth) throw std::runtime_error("FluidSynth could not start");
  if (fluid_synth_sfload(s.synth, sf.c_str(), 1) == FLUID_FAILED)
    throw std::runtime_error(fmt::format("FluidSynth could not load {}", sf.string()));

  serialize::AtomicFile out(path);  // the old file stays until the whole render is written
  const uint32_t total = static_cast<uint32_t>(std::ceil(duration * o.sample_rate));
  const std::string header = wav_header(o.sample_rate, total);
  out.write(header.data(), header.size());
  std::vector<int16_t> block(2 * 4096);
  uint32_t written = 0;
  auto render_until = [&](uint32_t frame) {
    while (written < frame) {
      const int n = static_cast<int>(std::min<uint32_t>(4096, frame - written));
      fluid_synth_write_s16(s.synth, n, block.data(), 0, 2, block.data(), 1, 2);
      out.write(block.data(), static_cast<size_t>(n) * 4);  // little-endian hosts
      written += static_cast<uint32_t>(n);
    }
  };
  for (const SynthEvent& e : events) {
    render_until(std::min(total, static_cast<uint32_t>(std::llround(e.seconds * o.sample_rate))));
    switch (e.kind) {
      case 0: fluid_synth_program_change(s.synth, e.channel, e.a); break;
      case 1: fluid_synth_cc(s.synth, e.channel, e.a, e.b); break;
      case 2: fluid_synth_pitch_bend(s.synth, e.channel, e.a); break;
      case 3: fluid_synth_noteoff(s.synth, e.channel, e.a); break;
      default: fluid_synth_noteon(s.synth, e.channel, e.a, e.b); break;
    }
  }
  render_until(total);
  out.commit();
}

#else

bool wav_rendering_available() { return false; }

void render_wav(const Score&, const std::filesystem::path&, const WavOptions&) {
  throw std::runtime_error(
      "this cadenza was built without FluidSynth: install libfluidsynth-dev and rebuild to render WAV");
}

#endif

}  // namespace cadenza::music::render
