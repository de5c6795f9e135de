// cadenza eval --metrics DIR [--output FILE]: the metric table of a folder of MIDI files.
// The mode is chosen by the options given; a checkpoint mode (--checkpoint) joins here
// as one more run_* function.
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

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

}  // namespace

void add_eval_command(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate music: --metrics DIR prints the metric table of a folder");
  cmd->add_option("--metrics", o->metrics_dir, "Folder of MIDI files to measure");
  cmd->add_option("--output", o->output, "Where to write the table as JSON");
  cmd->callback([o] {
    if (!o->metrics_dir.empty()) return run_metrics(*o);
    throw std::runtime_error("eval needs --metrics DIR");
  });
}

}  // namespace cadenza::tools
