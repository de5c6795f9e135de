#pragma once
// What a training run is asked for — `cadenza train`'s flags, or the keywords of the Python
// package's train() — and the RunSpec made of it (models/run_dir.h): one place for the
// precedence rules (models/train.h) and the checks, whoever asks.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "models/run_dir.h"

namespace cadenza::models {

// An unset option keeps the value of the preset, the config patch or, resuming, the run.
struct TrainRequest {
  std::string model;     // the family; may be empty with resume or init_from
  std::string preset;    // empty: "small"
  nlohmann::json patch;  // the --config file: {"config": ..., "data": ..., "train": ...}; null: none
  std::optional<std::string> data, tokenizer, init_from, freeze, device;
  std::optional<int64_t> steps, batch, patience;
  std::optional<double> lr;
  std::optional<uint64_t> seed;
  bool resume = false;       // continue the run in `out` (only steps and device may change)
  bool strict_data = false;  // the first unreadable corpus file is an error
};

// The spec of the run `out` for `request`. Throws one line for a bad value, an option that
// a resumed run cannot change, a missing model, and the like.
RunSpec train_run_spec(const std::filesystem::path& out, const TrainRequest& request);

// The model config's "tokenizer" for a tokenizer option: a built-in name, a BPE file (its
// whole object) or a corpus store (the tokenizer the store was built with).
nlohmann::json tokenizer_spec_of(const std::string& arg);

}  // namespace cadenza::models
