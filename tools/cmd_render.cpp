// cadenza render IN OUT.png|OUT.wav: a piano-roll picture or audio through FluidSynth.
#include <fmt/format.h>

#include "engine/error.h"
#include "music/render/piano_roll_png.h"
#include "music/render/wav.h"
#include "tools/cli_util.h"
#include "tools/commands.h"
#include "tools/score_io.h"

namespace cadenza::tools {

void add_render_command(CLI::App& app) {
  struct Options {
    std::string in, out, soundfont;
    int pixels_per_beat = 16;
    int sample_rate = 44100;
    ScoreIoOptions io;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("render", "Render a score to a piano-roll PNG or a WAV (FluidSynth)");
  cmd->add_option("input", o->in, "Input file (.mid, .json, .tok)")->required();
  cmd->add_option("output", o->out, "Output file (.png or .wav)")->required();
  cmd->add_option("--soundfont", o->soundfont, "General MIDI SoundFont (.sf2) for WAV");
  cmd->add_option("--pixels-per-beat", o->pixels_per_beat, "PNG: horizontal scale")->check(CLI::Range(1, 256));
  cmd->add_option("--sample-rate", o->sample_rate, "WAV: samples per second")
      ->check(CLI::Range(8000, 192000))
      ->capture_default_str();
  add_score_io_options(*cmd, o->io);
  cmd->callback([o] {
    const std::string ext = extension_of(o->out);
    if (ext != ".png" && ext != ".wav") fail("{}: render writes .png or .wav", o->out);
    const music::Score score = load_score(o->in, o->io);
    if (ext == ".png") {
      music::render::PianoRollPngOptions png;
      png.pixels_per_beat = o->pixels_per_beat;
      music::render::write_piano_roll_png(score, o->out, png);
    } else {
      music::render::WavOptions wav;
      wav.soundfont = o->soundfont;
      wav.sample_rate = o->sample_rate;
      music::render::render_wav(score, o->out, wav);
    }
  });
}

}  // namespace cadenza::tools
