#include "tools/chorale_cli.h"

#include <fmt/format.h>

#include "engine/error.h"
#include "models/capability.h"
#include "models/deepbach/gibbs.h"
#include "tools/cli_util.h"

namespace cadenza::tools {

void add_gibbs_options(CLI::App& cmd, GibbsCli& o) {
  cmd.add_option("--iterations", o.iterations,
                 fmt::format("Pseudo-Gibbs iterations (default: deepbach redraws every free cell about {} times)",
                             models::deepbach::kRedrawsPerCell));
  cmd.add_option("--cells-per-voice", o.cells_per_voice,
                 "Cells of a voice redrawn together per iteration (one batched pass)")
      ->capture_default_str();
  cmd.add_option("--temperature", o.temperature, "Final sampling temperature (> 0; annealed from 1.5)");
  cmd.add_option("--seed", o.seed, "Random seed");
}

models::HarmonizeOptions harmonize_options(const GibbsCli& o) {
  CADENZA_CHECK(o.iterations >= 0, "--iterations must be positive, not {}", o.iterations);
  CADENZA_CHECK(o.cells_per_voice >= 1, "--cells-per-voice must be positive, not {}", o.cells_per_voice);
  CADENZA_CHECK(o.temperature > 0, "--temperature must be positive, not {}", o.temperature);
  return {
      .iterations = o.iterations, .cells_per_voice = o.cells_per_voice, .temperature = o.temperature, .seed = o.seed};
}

ChoraleModel load_chorale_model(const std::filesystem::path& checkpoint) {
  ChoraleModel m{models::load_trained_model(checkpoint)};
  m.harmonizer = &models::require_capability<models::Harmonizer>(*m.trained.model, checkpoint.string(),
                                                                 "a model that harmonizes (harmonize, infill)");
  return m;
}

music::Score read_chorale_midi(const std::filesystem::path& path) {
  music::Score score = read_midi_score(path);
  size_t notes = 0;
  for (const auto& track : score.tracks) notes += track.notes.size();
  CADENZA_CHECK(notes > 0, "{}: has no notes", path.string());
  return score;
}

}  // namespace cadenza::tools
