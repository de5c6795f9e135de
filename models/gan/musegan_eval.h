#pragma once
// MuseGAN's objective metrics (Dong et al. 2018, "Objective metrics"; music/metrics/
// musegan.h states each formula and where the published code differs) of a set of
// phrases — generated or real — pooled over the phrases laid back to back: per track,
// empty bars (EB, a ratio), used pitch classes per non-empty bar (UPC) and qualified notes
// (QN, a ratio; notes of at least a 32nd) for the pitched tracks, drum pattern (DP) for
// the drum track, and tonal distance (TD) for every pair of pitched tracks.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "models/family.h"
#include "models/gan/musegan.h"
#include "music/dataset/skipped_files.h"

namespace cadenza::models {

struct MuseGanMetrics {
  // Per track. A metric that is undefined — UPC and QN of the drums, anything of a track
  // without notes — is NaN (the table prints "-", JSON null).
  std::vector<std::string> tracks;  // track names
  std::vector<bool> drum;
  std::vector<double> empty_bars, used_pitch_classes, qualified_notes;
  double drum_pattern = NAN;                                   // NaN without a drum track or drum notes
  std::vector<std::pair<std::string, double>> tonal_distance;  // "Piano-Guitar" -> TD; NaN if either is silent
  nlohmann::json to_json() const;
};

// bars [N, tracks, bars, steps, pitches] (binarised at 0.5).
MuseGanMetrics musegan_metrics(const Tensor& bars, const MuseGanConfig& c);

// `n` generated phrases (evaluation mode, noise from gen) -> bars [n, ...].
Tensor musegan_generate(MuseGan& model, int64_t n, Generator& gen);

// At most `n` real phrases of a split of a MIDI folder (split by file name as in training,
// models/data.h), evenly spaced over the split so that every part of it is represented.
// Files that cannot be read go to `skipped` (which reports them, or refuses them when strict).
Tensor musegan_real_phrases(const std::filesystem::path& folder, const std::string& split, int64_t n,
                            const MuseGanConfig& c, music::dataset::SkippedFiles& skipped);

// The metrics of generated and real phrases side by side, one row per metric and track:
// "metric  track  generated  data".
std::string musegan_metrics_table(const MuseGanMetrics& generated, const MuseGanMetrics& data);

// `cadenza eval` of a musegan run (models/family.h): the metric table of
// request.samples generated phrases (default 64) beside as many phrases of the split
// (default train) of the run's corpus.
SampleEvalReport musegan_sample_eval(const SampleEvalRequest& request);

}  // namespace cadenza::models
