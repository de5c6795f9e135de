// cadenza convert IN OUT: between MIDI, JSON piano roll and token files, by extension.
#include "tools/commands.h"
#include "tools/score_io.h"

namespace cadenza::tools {

void add_convert_command(CLI::App& app) {
  struct Options {
    std::string in, out;
    ScoreIoOptions io;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("convert", "Convert between .mid, .json (piano roll) and .tok (tokens)");
  cmd->add_option("input", o->in, "Input file")->required();
  cmd->add_option("output", o->out, "Output file")->required();
  add_score_io_options(*cmd, o->io);
  cmd->callback([o] { save_score(load_score(o->in, o->io), o->out, o->io); });
}

}  // namespace cadenza::tools
