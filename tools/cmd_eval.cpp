// cadenza eval, two modes chosen by the options given:
//   --metrics DIR [--output FILE]   the metric table of a folder of MIDI files;
//   --checkpoint DIR [--data PATH] [--split S] [--json] [--samples N]
//                                   a trained model's NLL and accuracy on a split, and the
//                                   mean music metrics of N generated samples; music_vae
//                                   adds KL and the accuracy of greedy reconstruction (a
//                                   trio model: per track, melody, bass and drums);
//                                   musegan prints MuseGAN's metric table for N generated
//                                   phrases (default 64) beside N phrases of the split
//                                   (default train).
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "engine/autograd.h"
#include "engine/rng.h"
#include "models/deepbach/deepbach.h"
#include "models/gan/musegan_eval.h"
#include "models/run_dir.h"
#include "models/train.h"
#include "models/vae/vae_eval.h"
#include "music/dataset/split.h"
#include "music/metrics/report.h"
#include "music/score/midi_convert.h"
#include "tools/cli_util.h"
#include "tools/commands.h"

namespace cadenza::tools {
namespace {

struct EvalOptions {
  std::string metrics_dir;
  std::string output = "metrics.json";
  std::string checkpoint, data, split = "valid", device = "cpu";
  bool json = false, strict_data = false;
  int64_t samples = 3;
  bool split_given = false, samples_given = false;
};

struct Summary {
  const char* unit = "";
  double sum = 0, sum2 = 0, min = INFINITY, max = -INFINITY;
  size_t n = 0;
  void add(double v) {
    sum += v;
    sum2 += v * v;
    min = std::min(min, v);
    max = std::max(max, v);
    ++n;
  }
  double mean() const { return sum / n; }
  double std() const { return std::sqrt(std::max(0.0, sum2 / n - mean() * mean())); }
};

void run_metrics(const EvalOptions& o) {
  const auto files = music::dataset::midi_files(o.metrics_dir);
  if (files.empty()) throw std::runtime_error(fmt::format("{}: no .mid files", o.metrics_dir));
  nlohmann::json per_file = nlohmann::json::object();
  nlohmann::json skipped = nlohmann::json::array();
  std::vector<std::string> order;  // metric names in table order
  std::map<std::string, Summary> summary;
  for (const auto& path : files) {
    const std::string name = std::filesystem::relative(path, o.metrics_dir).generic_string();
    try {
      const auto table = music::metrics::score_metrics(music::load_midi(path));
      nlohmann::json row;
      for (const auto& m : table) {
        if (!summary.count(m.name)) order.push_back(m.name);
        summary[m.name].unit = m.unit;
        summary[m.name].add(m.value);
        row[m.name] = m.value;
      }
      per_file[name] = row;
    } catch (const std::exception& e) {
      fmt::print(stderr, "cadenza: warning: {}: skipped: {}\n", path.string(), e.what());
      skipped.push_back(name);
    }
  }
  if (order.empty()) throw std::runtime_error(fmt::format("{}: no readable MIDI file", o.metrics_dir));
  fmt::print("{} files ({} skipped) in {}\n", per_file.size(), skipped.size(), o.metrics_dir);
  fmt::print("{:<22} {:>10} {:>10} {:>10} {:>10}  {}\n", "metric", "mean", "std", "min", "max", "unit");
  nlohmann::json totals = nlohmann::json::object();
  for (const auto& name : order) {
    const Summary& s = summary[name];
    fmt::print("{:<22} {:>10.4f} {:>10.4f} {:>10.4f} {:>10.4f}  {}\n", name, s.mean(), s.std(), s.min, s.max, s.unit);
    totals[name] = {{"mean", s.mean()}, {"std", s.std()}, {"min", s.min}, {"max", s.max}, {"unit", s.unit}};
  }
  const nlohmann::json out = {{"directory", o.metrics_dir}, {"summary", totals}, {"files", per_file}, {"skipped", skipped}};
  write_text_file(o.output, out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  fmt::print("wrote {}\n", o.output);
}

// The mean of each metric over `n` samples of `model` (skipping samples the metrics
// cannot measure, e.g. ones without notes).
nlohmann::json sample_metrics(models::Model& model, int64_t n) {
  std::vector<std::string> order;
  std::map<std::string, Summary> summary;
  Generator gen(0);
  NoGradGuard no_grad;
  int64_t measured = 0;
  for (int64_t i = 0; i < n; ++i) {
    try {
      for (const auto& m : music::metrics::score_metrics(model.sample({}, gen))) {
        if (!summary.count(m.name)) order.push_back(m.name);
        summary[m.name].unit = m.unit;
        summary[m.name].add(m.value);
      }
      ++measured;
    } catch (const std::exception& e) {
      fmt::print(stderr, "cadenza: warning: sample {}: metrics skipped: {}\n", i + 1, e.what());
    }
  }
  nlohmann::json means = nlohmann::json::object();
  for (const auto& name : order) means[name] = summary[name].mean();
  return {{"count", measured}, {"mean", means}};
}

// deepbach: the NLL of each voice's network (nats per step of that voice), by name.
nlohmann::json voice_nll(models::deepbach::DeepBach& model, const models::Dataset& data, models::DataSplit split) {
  nn::EvalScope eval_mode(model);
  NoGradGuard no_grad;
  models::deepbach::DeepBach::VoiceNll total;
  data.for_each_eval_batch(split, [&](const models::Batch& batch) {
    const auto r = model.voice_nll(batch);
    for (int v = 0; v < models::deepbach::kVoices; ++v) total.nll_sum[v] += r.nll_sum[v], total.cells[v] += r.cells[v];
  });
  static constexpr const char* kNames[] = {"soprano", "alto", "tenor", "bass"};
  nlohmann::json out = nlohmann::json::object();
  for (int v = 0; v < models::deepbach::kVoices; ++v)
    out[kNames[v]] = total.cells[v] > 0 ? total.nll_sum[v] / total.cells[v] : NAN;
  return out;
}

// musegan: MuseGAN's metrics of generated phrases and of real phrases of a split.
void run_musegan(const EvalOptions& o, models::MuseGan& gan, const models::TrainedModel& trained,
                 const std::filesystem::path& data) {
  const int64_t n = o.samples_given ? o.samples : 64;
  if (n < 1) throw std::runtime_error(fmt::format("--samples must be positive for musegan, not {}", n));
  const std::string split = o.split_given ? o.split : "train";
  models::parse_data_split(split);  // a clear error for a misspelt split
  Generator gen(0);
  const models::MuseGanMetrics generated = models::musegan_metrics(models::musegan_generate(gan, n, gen), gan.gan_config());
  music::dataset::SkippedFiles skipped(o.strict_data);
  const Tensor real_bars = models::musegan_real_phrases(data, split, n, gan.gan_config(), skipped);
  const models::MuseGanMetrics real = models::musegan_metrics(real_bars, gan.gan_config());
  if (o.json) {
    const nlohmann::json out = {{"checkpoint", o.checkpoint}, {"model", trained.spec.model}, {"step", trained.step},
                                {"data", data.string()}, {"split", split}, {"generated_phrases", n},
                                {"data_phrases", real_bars.size(0)}, {"generated", generated.to_json()},
                                {"real", real.to_json()}};
    fmt::print("{}\n", out.dump(2));
    return;
  }
  fmt::print("musegan at step {}: {} generated phrases vs {} {} phrases of {}\n", trained.step, n, real_bars.size(0),
             split, data.string());
  fmt::print("{}", models::musegan_metrics_table(generated, real));
}

void run_checkpoint(const EvalOptions& o) {
  if (o.samples < 0) throw std::runtime_error(fmt::format("--samples must be 0 or positive, not {}", o.samples));
  const Device device = select_device(o.device);
  models::TrainedModel trained = models::load_trained_model(o.checkpoint);
  trained.model->to(device);
  models::DataOptions data = trained.spec.data;
  if (!o.data.empty()) data.path = o.data, data.steps_per_quarter = 0;
  data.strict_data = o.strict_data;
  if (auto* gan = dynamic_cast<models::MuseGan*>(trained.model.get())) return run_musegan(o, *gan, trained, data.path);
  const models::DataSplit split = models::parse_data_split(o.split);
  const models::Dataset dataset(*trained.model, data);
  auto* vae = dynamic_cast<models::MusicVae*>(trained.model.get());
  models::VaeEvalResult vae_result;
  models::EvalResult r;
  if (vae) {
    // One pass gives the generic numbers too (the same teacher-forced NLL and accuracy).
    vae_result = models::evaluate_vae(*vae, dataset, split);
    r = {vae_result.nll, vae_result.accuracy, vae_result.tokens};
  } else {
    r = models::evaluate(*trained.model, dataset, split);
  }
  const std::string step = models::step_unit(trained.model->data_kind());
  const std::string unit = "nats/" + step;
  const nlohmann::json samples = sample_metrics(*trained.model, o.samples);
  nlohmann::json out = {{"checkpoint", o.checkpoint}, {"model", trained.spec.model}, {"step", trained.step},
                        {"data", data.path.string()}, {"split", o.split},  {"nll", r.nll},
                        {"unit", unit}, {"accuracy", r.accuracy}, {"steps", r.steps},
                        {"samples", samples}, {"skipped_files", dataset.skipped().count()}};
  auto* deepbach = dynamic_cast<models::deepbach::DeepBach*>(trained.model.get());
  if (deepbach) out["voice_nll"] = voice_nll(*deepbach, dataset, split);
  if (vae) {
    out["kl"] = vae_result.kl;
    out["kl_unit"] = "nats/sequence";
    out["sampled_accuracy"] = vae_result.sampled_accuracy;
    out["sequences"] = vae_result.sequences;
    nlohmann::json parts = nlohmann::json::object();
    for (const auto& p : vae_result.parts)
      parts[p.name] = {{"nll", p.nll}, {"accuracy", p.accuracy}, {"sampled_accuracy", p.sampled_accuracy}};
    out["parts"] = parts;
  }
  if (o.json) {
    fmt::print("{}\n", out.dump(2));
    return;
  }
  fmt::print("{} at step {} on {} ({}, {:.0f} {}s)\n", trained.spec.model, trained.step, data.path.string(), o.split,
             r.steps, step);
  if (dataset.skipped().count() > 0) fmt::print("data: {}\n", dataset.skipped().summary());
  const bool multi_part = vae && vae_result.parts.size() > 1;
  fmt::print("NLL       {:.4f} nats per {}{}\naccuracy  {:.4f}{}\n", r.nll, step,
             multi_part ? " (the sum of the tracks' NLLs)" : "", r.accuracy, multi_part ? " (the tracks' mean)" : "");
  if (vae)
    fmt::print("KL        {:.4f} nats per sequence ({:.0f} sequences)\nreconstruction accuracy, greedy from z = mu: {:.4f}\n",
               vae_result.kl, vae_result.sequences, vae_result.sampled_accuracy);
  if (multi_part) {
    fmt::print("{:<8} {:>12} {:>10} {:>16}\n", "track", "NLL/step", "accuracy", "reconstruction");
    for (const auto& p : vae_result.parts)
      fmt::print("{:<8} {:>12.4f} {:>10.4f} {:>16.4f}\n", p.name, p.nll, p.accuracy, p.sampled_accuracy);
  }
  if (deepbach)
    for (const auto& [voice, nll] : out["voice_nll"].items())
      fmt::print("  {:<8}{:.4f} nats per voice-step\n", voice, nll.get<double>());
  fmt::print("music metrics, mean of {} samples:\n", samples["count"].get<int64_t>());
  for (const auto& [name, value] : samples["mean"].items()) fmt::print("  {:<22} {:>10.4f}\n", name, value.get<double>());
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Evaluate: --metrics DIR measures a folder of MIDI files; --checkpoint DIR a trained model");
  cmd->add_option("--metrics", o->metrics_dir, "Folder of MIDI files to measure");
  cmd->add_option("--output", o->output, "Where to write the table as JSON");
  cmd->add_option("--checkpoint", o->checkpoint, "Run directory written by cadenza train (its last checkpoint), or a checkpoint file in one (DIR/best.safetensors)");
  cmd->add_option("--data", o->data, "Corpus to evaluate on (default: the run's)");
  cmd->add_option("--split", o->split, "train, valid or test");
  cmd->add_option("--device", o->device, "cpu (default), vulkan or vulkan:N");
  cmd->add_flag("--json", o->json, "Print the result as JSON");
  cmd->add_flag("--strict-data", o->strict_data, "Refuse a corpus with an unreadable file instead of skipping it");
  cmd->add_option("--samples", o->samples, "Generated samples whose music metrics are reported (0: none; musegan: phrases, default 64)");
  cmd->callback([o, cmd] {
    o->split_given = cmd->count("--split") > 0;
    o->samples_given = cmd->count("--samples") > 0;
    if (!o->metrics_dir.empty() && !o->checkpoint.empty())
      throw std::runtime_error("eval takes --metrics DIR or --checkpoint DIR, not both");
    if (!o->metrics_dir.empty()) return run_metrics(*o);
    if (!o->checkpoint.empty()) return run_checkpoint(*o);
    throw std::runtime_error("eval needs --metrics DIR or --checkpoint DIR");
  });
}

}  // namespace cadenza::tools
