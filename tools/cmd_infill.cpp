// cadenza infill --checkpoint DIR --in FILE.mid --from-beat A --to-beat B --out FILE.mid
//                [--iterations N] [--seed S] ...
// Resamples every voice of a four-track chorale in quarter-note beats [A, B) with a
// trained model that harmonizes; every note outside sounds as before (models/harmonizer.h).
#include <fmt/format.h>

#include "engine/autograd.h"
#include "engine/error.h"
#include "tools/chorale_cli.h"
#include "tools/cli_util.h"
#include "tools/commands.h"

namespace cadenza::tools {
namespace {

struct InfillCli {
  std::string checkpoint, in;
  MidiOutput out;
  double from_beat = 0, to_beat = 0;
  GibbsCli gibbs;
};

void run_infill(const InfillCli& o) {
  o.out.check();
  CADENZA_CHECK(o.from_beat < o.to_beat, "--from-beat {} must come before --to-beat {}", o.from_beat, o.to_beat);
  const models::HarmonizeOptions options = harmonize_options(o.gibbs);
  const music::Score chorale = read_chorale_midi(o.in);
  ChoraleModel m = load_chorale_model(o.checkpoint);
  NoGradGuard no_grad;
  o.out.write(m.harmonizer->infill(chorale, o.from_beat, o.to_beat, options));
}

}  // namespace

void add_infill_command(CLI::App& app) {
  auto o = std::make_shared<InfillCli>();
  CLI::App* cmd = app.add_subcommand("infill", "Resample a passage of a chorale with a trained model that harmonizes");
  add_checkpoint_option(*cmd, o->checkpoint, "A model that harmonizes")->required();
  cmd->add_option("--in", o->in, "Four-track chorale MIDI file (track k is voice k)")->required();
  cmd->add_option("--from-beat", o->from_beat, "First quarter-note beat of the passage (from 0)")->required();
  cmd->add_option("--to-beat", o->to_beat, "Beat after the passage's end")->required();
  o->out.add_options(*cmd, "Output FILE.mid, one track per voice");
  add_gibbs_options(*cmd, o->gibbs);
  cmd->callback([o] { run_infill(*o); });
}

}  // namespace cadenza::tools
