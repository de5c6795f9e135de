// What `cadenza harmonize` and `cadenza infill` share: the Harmonizer of a run directory
// (models/harmonizer.h), its sampling options, and reading a chorale.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "models/harmonizer.h"
#include "models/run_dir.h"

namespace cadenza::tools {

struct GibbsCli {
  int64_t iterations = 0;  // 0: the model's default
  int64_t cells_per_voice = models::HarmonizeOptions{}.cells_per_voice;
  double temperature = 1.0;
  uint64_t seed = 0;
};

// Registers --iterations, --cells-per-voice, --temperature, --seed.
void add_gibbs_options(CLI::App& cmd, GibbsCli& options);

// The options as the model takes them. Throws on bad values.
models::HarmonizeOptions harmonize_options(const GibbsCli& o);

// The run's model; throws naming the model family when it cannot harmonise.
struct ChoraleModel {
  models::TrainedModel trained;
  models::Harmonizer* harmonizer = nullptr;
};
ChoraleModel load_chorale_model(const std::filesystem::path& checkpoint);

// A MIDI input with at least one note, else a one-line error naming the file.
music::Score read_chorale_midi(const std::filesystem::path& path);

}  // namespace cadenza::tools
