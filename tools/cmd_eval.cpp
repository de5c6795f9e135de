// cadenza eval, two modes chosen by the options given:
//   --metrics DIR [--output FILE]   the metric table of a folder of MIDI files;
//   --checkpoint DIR [--data PATH] [--split S] [--json] [--samples N] [--eval-length N]
//                                   a trained model's NLL and accuracy on a split (the
//                                   corpus needs only that split; pieces are read in
//                                   windows, models/data.h), and the
//                                   mean music metrics of N generated samples, and the
//                                   family's own figures (models/family.h); a family
//                                   whose evaluation is no likelihood measures its
//                                   samples against the corpus instead.
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/rng.h"
#include "models/family.h"
#include "models/run_dir.h"
#include "models/train.h"
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
  int64_t eval_length = 0;  // 0: the run's
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
  CADENZA_CHECK(!files.empty(), "{}: no .mid files", o.metrics_dir);
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
  CADENZA_CHECK(!order.empty(), "{}: no readable MIDI file", o.metrics_dir);
  fmt::print("{} files ({} skipped) in {}\n", per_file.size(), skipped.size(), o.metrics_dir);
  fmt::print("{:<22} {:>10} {:>10} {:>10} {:>10}  {}\n", "metric", "mean", "std", "min", "max", "unit");
  nlohmann::json totals = nlohmann::json::object();
  for (const auto& name : order) {
    const Summary& s = summary[name];
    fmt::print("{:<22} {:>10.4f} {:>10.4f} {:>10.4f} {:>10.4f}  {}\n", name, s.mean(), s.std(), s.min, s.max, s.unit);
    totals[name] = {{"mean", s.mean()}, {"std", s.std()}, {"min", s.min}, {"max", s.max}, {"unit", s.unit}};
  }
  const nlohmann::json out = {
      {"directory", o.metrics_dir}, {"summary", totals}, {"files", per_file}, {"skipped", skipped}};
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

// A family whose evaluation is no likelihood measures samples against the corpus.
void run_sample_eval(const EvalOptions& o, const models::FamilyHooks& family, const models::TrainedModel& trained,
                     const models::DataOptions& data) {
  models::SampleEvalRequest request{*trained.model, data, std::nullopt, std::nullopt};
  if (o.split_given) request.split = o.split;
  if (o.samples_given) request.samples = o.samples;
  const models::SampleEvalReport report = family.evaluate_samples(request);
  if (o.json) {
    nlohmann::json out = {{"checkpoint", o.checkpoint}, {"model", trained.spec.model}, {"step", trained.step}};
    out.update(report.json);
    fmt::print("{}\n", out.dump(2));
    return;
  }
  fmt::print("{} at step {}: {}", trained.spec.model, trained.step, report.text);
}

void run_checkpoint(const EvalOptions& o) {
  CADENZA_CHECK(o.samples >= 0, "--samples must be 0 or positive, not {}", o.samples);
  const Device device = select_device(o.device);
  models::TrainedModel trained = models::load_trained_model(o.checkpoint);
  trained.model->to(device);
  models::DataOptions data = trained.spec.data;
  if (!o.data.empty()) models::use_corpus(data, o.data);
  if (o.eval_length != 0) data.eval_length = o.eval_length;
  data.strict_data = o.strict_data;
  const models::FamilyHooks& family = models::family_hooks(*trained.model);
  if (family.evaluate_samples) return run_sample_eval(o, family, trained, data);
  const models::DataSplit split = models::parse_data_split(o.split);
  const models::Dataset dataset(*trained.model, data, models::DataUse::eval);
  const models::EvalReport report = models::evaluate_report(*trained.model, dataset, split);
  const models::EvalResult& r = report.result;
  const std::string step = models::step_unit(*trained.model);
  const std::string unit = "nats/" + step;
  const nlohmann::json samples = sample_metrics(*trained.model, o.samples);
  nlohmann::json out = {{"checkpoint", o.checkpoint},
                        {"model", trained.spec.model},
                        {"step", trained.step},
                        {"data", data.path.string()},
                        {"split", o.split},
                        {"nll", r.nll},
                        {"unit", unit},
                        {"accuracy", r.accuracy},
                        {"steps", r.steps},
                        {"samples", samples},
                        {"skipped_files", dataset.skipped().count()}};
  out.update(report.figures);
  if (o.json) {
    fmt::print("{}\n", out.dump(2));
    return;
  }
  fmt::print("{} at step {} on {} ({}, {:.0f} {}s)\n", trained.spec.model, trained.step, data.path.string(), o.split,
             r.steps, step);
  if (dataset.skipped().count() > 0) fmt::print("data: {}\n", dataset.skipped().summary());
  fmt::print("NLL       {:.4f} nats per {}{}\naccuracy  {:.4f}{}\n", r.nll, step, report.nll_note, r.accuracy,
             report.accuracy_note);
  fmt::print("{}", report.text);
  fmt::print("music metrics, mean of {} samples:\n", samples["count"].get<int64_t>());
  for (const auto& [name, value] : samples["mean"].items())
    fmt::print("  {:<22} {:>10.4f}\n", name, value.get<double>());
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Evaluate: --metrics DIR measures a folder of MIDI files; --checkpoint DIR a trained model");
  cmd->add_option("--metrics", o->metrics_dir, "Folder of MIDI files to measure");
  cmd->add_option("--output", o->output, "Where to write the table as JSON");
  add_checkpoint_option(*cmd, o->checkpoint);
  cmd->add_option("--data", o->data, "Corpus to evaluate on (default: the run's)");
  cmd->add_option("--split", o->split, "train, valid or test");
  cmd->add_option("--device", o->device, "cpu (default), vulkan or vulkan:N");
  cmd->add_flag("--json", o->json, "Print the result as JSON");
  cmd->add_flag("--strict-data", o->strict_data, "Refuse a corpus with an unreadable file instead of skipping it");
  cmd->add_option("--eval-length", o->eval_length,
                  "Steps per evaluation window (default: the run's eval_length, else its training length); "
                  "recurrent models carry their state across windows, so it bounds memory, not context");
  cmd->add_option("--samples", o->samples,
                  "Generated samples whose music metrics are reported (0: none); a family that measures samples "
                  "instead of a likelihood has its own default");
  cmd->callback([o, cmd] {
    o->split_given = cmd->count("--split") > 0;
    o->samples_given = cmd->count("--samples") > 0;
    CADENZA_CHECK(o->metrics_dir.empty() || o->checkpoint.empty(),
                  "eval takes --metrics DIR or --checkpoint DIR, not both");
    if (!o->metrics_dir.empty()) return run_metrics(*o);
    CADENZA_CHECK(!o->checkpoint.empty(), "eval needs --metrics DIR or --checkpoint DIR");
    run_checkpoint(*o);
  });
}

}  // namespace cadenza::tools
