#include "tools/chorale_cli.h"

#include <fmt/format.h>

#include <stdexcept>

#include "tools/cli_util.h"

namespace cadenza::tools {

void add_gibbs_options(CLI::App& cmd, GibbsCli& o) {
  cmd.add_option("--iterations", o.iterations,
                 "Pseudo-Gibbs iterations (default: about 4 redraws of every free cell)");
  cmd.add_option("--cells-per-voice", o.cells_per_voice, "Cells of a voice redrawn together per iteration");
  cmd.add_option("--temperature", o.temperature, "Final sampling temperature (> 0; annealed from 1.5)");
  cmd.add_option("--seed", o.seed, "Random seed");
}

models::deepbach::GibbsOptions gibbs_options(const GibbsCli& o, int64_t free_steps) {
  if (o.iterations < 0) throw std::runtime_error(fmt::format("--iterations must be positive, not {}", o.iterations));
  if (o.cells_per_voice < 1)
    throw std::runtime_error(fmt::format("--cells-per-voice must be positive, not {}", o.cells_per_voice));
  if (!(o.temperature > 0))
    throw std::runtime_error(fmt::format("--temperature must be positive, not {}", o.temperature));
  models::deepbach::GibbsOptions g;
  // Each iteration redraws cells_per_voice cells of every free voice, so 4 x steps /
  // cells_per_voice iterations redraw each free cell about 4 times (deepbach's sample()).
  g.iterations = o.iterations > 0 ? o.iterations : 4 * free_steps / o.cells_per_voice + 1;
  g.cells_per_voice = o.cells_per_voice;
  g.temperature = o.temperature;
  g.start_temperature = std::max(1.5, o.temperature);
  g.seed = o.seed;
  return g;
}

ChoraleModel load_chorale_model(const std::filesystem::path& checkpoint) {
  ChoraleModel m{models::load_trained_model(checkpoint)};
  m.deepbach = dynamic_cast<models::deepbach::DeepBach*>(m.trained.model.get());
  if (!m.deepbach)
    throw std::runtime_error(fmt::format("{}: holds a '{}' model; harmonize and infill need a deepbach model",
                                         checkpoint.string(), m.trained.spec.model));
  return m;
}

music::Score read_chorale_midi(const std::filesystem::path& path) {
  music::Score score = read_midi_score(path);
  size_t notes = 0;
  for (const auto& track : score.tracks) notes += track.notes.size();
  if (notes == 0) throw std::runtime_error(fmt::format("{}: has no notes", path.string()));
  return score;
}

}  // namespace cadenza::tools
