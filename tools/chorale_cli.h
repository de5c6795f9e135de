// What `cadenza harmonize` and `cadenza infill` share: the deepbach model of a run
// directory, the pseudo-Gibbs options, and writing a chorale (MIDI + piano-roll PNG).
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "models/deepbach/gibbs.h"
#include "models/run_dir.h"

namespace cadenza::tools {

struct GibbsCli {
  int64_t iterations = 0;  // 0: 4 per free cell, spread over the voices' updates
  int64_t cells_per_voice = 1;
  double temperature = 1.0;
  uint64_t seed = 0;
};

// Registers --iterations, --cells-per-voice, --temperature, --seed.
void add_gibbs_options(CLI::App& cmd, GibbsCli& options);

// The schedule for `free_steps` steps of `voices` free voices (each update of an
// iteration redraws cells_per_voice cells of one voice). Throws on bad values.
models::deepbach::GibbsOptions gibbs_options(const GibbsCli& o, int64_t free_steps);

// The run's model; throws naming the model family when it is not deepbach.
struct ChoraleModel {
  models::TrainedModel trained;
  models::deepbach::DeepBach* deepbach = nullptr;
};
ChoraleModel load_chorale_model(const std::filesystem::path& checkpoint);

// A MIDI input with at least one note, else a one-line error naming the file.
music::Score read_chorale_midi(const std::filesystem::path& path);

}  // namespace cadenza::tools
