#include "models/gan/musegan_eval.h"

#include <fmt/format.h>

#include <cmath>

#include "engine/autograd.h"
#include "engine/error.h"
#include "models/gan/musegan_data.h"
#include "music/dataset/split.h"
#include "music/metrics/musegan.h"
#include "ops/ops.h"

namespace cadenza::models {
namespace metrics = music::metrics;

MuseGanMetrics musegan_metrics(const Tensor& bars, const MuseGanConfig& c) {
  const music::repr::PianoRoll roll = musegan_roll(bars, c);
  const int spq = roll.config.steps_per_quarter, steps_per_bar = int(c.steps);
  MuseGanMetrics out;
  std::vector<size_t> pitched;
  // A metric of a track without notes is undefined (NaN), not the 0 music::metrics returns.
  for (size_t t = 0; t < roll.tracks.size(); ++t) {
    const bool drum = roll.tracks[t].is_drum;
    out.tracks.push_back(roll.tracks[t].name);
    out.drum.push_back(drum);
    out.empty_bars.push_back(metrics::empty_bar_rate(roll, t, steps_per_bar));
    const bool silent = out.empty_bars.back() == 1.0;
    out.used_pitch_classes.push_back(drum || silent ? NAN : metrics::used_pitch_classes(roll, t, steps_per_bar));
    out.qualified_notes.push_back(
        drum || silent ? NAN : metrics::qualified_note_rate(roll, t, metrics::qualified_min_steps(spq)));
    if (drum)
      out.drum_pattern = silent ? NAN : metrics::drum_pattern_rate(roll, t);
    else
      pitched.push_back(t);
  }
  for (size_t i = 0; i < pitched.size(); ++i)
    for (size_t j = i + 1; j < pitched.size(); ++j) {
      const size_t a = pitched[i], b = pitched[j];
      const bool silent = out.empty_bars[a] == 1.0 || out.empty_bars[b] == 1.0;
      out.tonal_distance.emplace_back(out.tracks[a] + "-" + out.tracks[b],
                                      silent ? NAN : metrics::tonal_distance(roll, a, b, spq));
    }
  return out;
}

nlohmann::json MuseGanMetrics::to_json() const {
  // NaN (not defined for that track) becomes null.
  auto value = [](double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); };
  nlohmann::json per_track = nlohmann::json::object();
  for (size_t t = 0; t < tracks.size(); ++t)
    per_track[tracks[t]] = {{"empty_bars", value(empty_bars[t])},
                            {"used_pitch_classes", value(used_pitch_classes[t])},
                            {"qualified_notes", value(qualified_notes[t])}};
  nlohmann::json td = nlohmann::json::object();
  for (const auto& [pair, v] : tonal_distance) td[pair] = v;
  return {{"tracks", per_track}, {"drum_pattern", value(drum_pattern)}, {"tonal_distance", td}};
}

Tensor musegan_generate(MuseGan& model, int64_t n, Generator& gen) {
  CADENZA_CHECK(n > 0, "musegan: cannot generate {} phrases", n);
  NoGradGuard no_grad;
  nn::EvalScope eval(model);
  return to(model.generate(model.noise(n, &gen)), Device::cpu());
}

Tensor musegan_real_phrases(const std::filesystem::path& folder, const std::string& split, int64_t n,
                            const MuseGanConfig& c, music::dataset::SkippedFiles& skipped) {
  CADENZA_CHECK(n > 0, "musegan: cannot take {} real phrases", n);
  const MuseGanDataOptions o{
      .bars = c.bars, .steps_per_bar = c.steps, .lowest_pitch = c.lowest_pitch, .pitches = c.pitches};
  std::vector<MuseGanPhrase> all;
  for (const auto& file : music::dataset::midi_files(folder, music::dataset::parse_split(split), {}, 0)) try {
      for (auto& p : musegan_phrases(file, o)) all.push_back(std::move(p));
    } catch (const std::exception& e) {
      skipped.add(file, e.what());
    }
  CADENZA_CHECK(!all.empty(), "{}: no {} phrase with notes", folder.string(), split);
  const size_t take = std::min(all.size(), size_t(n));
  std::vector<const MuseGanPhrase*> picked;
  for (size_t i = 0; i < take; ++i) picked.push_back(&all[i * all.size() / take]);
  return musegan_bars(picked, o);
}

std::string musegan_metrics_table(const MuseGanMetrics& g, const MuseGanMetrics& d) {
  std::string out = fmt::format("{:<26} {:<16} {:>10} {:>10}\n", "metric", "track", "generated", "data");
  auto cell = [](double v) { return std::isnan(v) ? std::string("-") : fmt::format("{:.4f}", v); };
  auto row = [&](const char* metric, const std::string& track, double a, double b) {
    out += fmt::format("{:<26} {:<16} {:>10} {:>10}\n", metric, track, cell(a), cell(b));
  };
  for (size_t t = 0; t < g.tracks.size(); ++t) row("EB  empty bars", g.tracks[t], g.empty_bars[t], d.empty_bars[t]);
  // UPC and QN are for the pitched tracks only.
  for (size_t t = 0; t < g.tracks.size(); ++t)
    if (!g.drum[t]) row("UPC used pitch classes", g.tracks[t], g.used_pitch_classes[t], d.used_pitch_classes[t]);
  for (size_t t = 0; t < g.tracks.size(); ++t)
    if (!g.drum[t]) row("QN  qualified notes", g.tracks[t], g.qualified_notes[t], d.qualified_notes[t]);
  row("DP  drum pattern", "Drums", g.drum_pattern, d.drum_pattern);
  for (size_t i = 0; i < g.tonal_distance.size(); ++i)
    row("TD  tonal distance", g.tonal_distance[i].first, g.tonal_distance[i].second, d.tonal_distance[i].second);
  return out;
}

SampleEvalReport musegan_sample_eval(const SampleEvalRequest& request) {
  auto* gan = dynamic_cast<MuseGan*>(&request.model);
  CADENZA_CHECK(gan, "model '{}' is no musegan model; it has no MuseGAN metrics", request.model.name());
  const int64_t n = request.samples.value_or(64);
  CADENZA_CHECK(n >= 1, "--samples must be positive for musegan, not {}", n);
  const std::string split = request.split.value_or("train");
  parse_data_split(split);  // a clear error for a misspelt split
  Generator gen(0);
  const MuseGanMetrics generated = musegan_metrics(musegan_generate(*gan, n, gen), gan->gan_config());
  music::dataset::SkippedFiles skipped(request.data.strict_data);
  const std::filesystem::path& data = request.data.path;
  const Tensor real_bars = musegan_real_phrases(data, split, n, gan->gan_config(), skipped);
  const MuseGanMetrics real = musegan_metrics(real_bars, gan->gan_config());
  SampleEvalReport report;
  report.json = {{"data", data.string()},
                 {"split", split},
                 {"generated_phrases", n},
                 {"data_phrases", real_bars.size(0)},
                 {"generated", generated.to_json()},
                 {"real", real.to_json()}};
  report.text =
      fmt::format("{} generated phrases vs {} {} phrases of {}\n", n, real_bars.size(0), split, data.string()) +
      musegan_metrics_table(generated, real);
  return report;
}

}  // namespace cadenza::models
