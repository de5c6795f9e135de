// cadenza harmonize --checkpoint DIR --melody FILE.mid --out FILE.mid
//                   [--voices alto,tenor,bass] [--iterations N] [--seed S] ...
// Fills the named voices of a chorale around the given ones by pseudo-Gibbs sampling with
// a trained model that harmonizes (models/harmonizer.h). Track k of the melody file is
// voice k (a one-track file is a soprano); the output has one track per voice, and the voices
// not named keep their notes exactly.
#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "engine/autograd.h"
#include "engine/error.h"
#include "tools/chorale_cli.h"
#include "tools/cli_util.h"
#include "tools/commands.h"

namespace cadenza::tools {
namespace {

struct HarmonizeCli {
  std::string checkpoint, melody, voices = "alto,tenor,bass";
  MidiOutput out;
  GibbsCli gibbs;
};

// "alto,tenor,bass" -> {1, 2, 3}, by the model's voice names.
std::vector<int> parse_voices(const std::string& list, const std::vector<std::string>& names) {
  std::vector<int> voices;
  std::stringstream in(list);
  for (std::string name; std::getline(in, name, ',');) {
    const auto it = std::find(names.begin(), names.end(), name);
    CADENZA_CHECK(it != names.end(), "--voices: unknown voice '{}' (known: {})", name, fmt::join(names, ", "));
    const int v = int(it - names.begin());
    CADENZA_CHECK(std::find(voices.begin(), voices.end(), v) == voices.end(), "--voices: '{}' is named twice", name);
    voices.push_back(v);
  }
  CADENZA_CHECK(!voices.empty(), "--voices: name at least one voice to fill");
  std::sort(voices.begin(), voices.end());
  return voices;
}

void run_harmonize(const HarmonizeCli& o) {
  o.out.check();
  const models::HarmonizeOptions options = harmonize_options(o.gibbs);
  const music::Score melody = read_chorale_midi(o.melody);
  ChoraleModel m = load_chorale_model(o.checkpoint);
  const std::vector<int> voices = parse_voices(o.voices, m.harmonizer->voice_names());
  NoGradGuard no_grad;
  o.out.write(m.harmonizer->harmonize(melody, voices, options));
}

}  // namespace

void add_harmonize_command(CLI::App& app) {
  auto o = std::make_shared<HarmonizeCli>();
  CLI::App* cmd = app.add_subcommand(
      "harmonize", "Harmonise a melody (or fill any voices of a chorale) with a trained model that harmonizes");
  add_checkpoint_option(*cmd, o->checkpoint, "A model that harmonizes")->required();
  cmd->add_option("--melody", o->melody, "MIDI file: track k is voice k (one track: the soprano)")->required();
  o->out.add_options(*cmd, "Output FILE.mid, one track per voice");
  cmd->add_option("--voices", o->voices, "Voices to fill, comma-separated: soprano, alto, tenor, bass");
  add_gibbs_options(*cmd, o->gibbs);
  cmd->callback([o] { run_harmonize(*o); });
}

}  // namespace cadenza::tools
