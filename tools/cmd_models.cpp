// cadenza models [--json]: the model zoo (models/zoo.h), one line per model. Each name is
// taken wherever a run directory is: `cadenza sample --model NAME`, `eval --model NAME`,
// `harmonize`, `interpolate`, `train --init-from NAME`.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "models/bundled_data.h"
#include "models/zoo.h"
#include "tools/commands.h"

namespace cadenza::tools {
namespace {

void run(bool json) {
  const std::vector<models::ZooModel> zoo = models::zoo_models();
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const models::ZooModel& m : zoo)
      out.push_back({{"name", m.name},
                     {"family", m.family},
                     {"summary", m.summary},
                     {"corpus", m.corpus},
                     {"license", m.license},
                     {"checkpoint_bytes", m.checkpoint_bytes},
                     {"dir", m.dir.string()}});
    fmt::print("{}\n", out.dump(2));
    return;
  }
  size_t name_width = 4, family_width = 6;
  for (const models::ZooModel& m : zoo)
    name_width = std::max(name_width, m.name.size()), family_width = std::max(family_width, m.family.size());
  for (const models::ZooModel& m : zoo)
    fmt::print("{:<{}}  {:<{}}  {:>5.1f} MB  {} ({})\n", m.name, name_width, m.family, family_width,
               double(m.checkpoint_bytes) / 1e6, m.summary, m.corpus);
  fmt::print("{} models in {}; model cards: DIR/NAME/README.md\n", zoo.size(), models::zoo_dir().string());
}

}  // namespace

void add_models_command(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("models", "List the bundled model zoo: trained models to sample by name");
  cmd->add_flag("--json", *json, "Print one JSON array");
  cmd->callback([json] { run(*json); });
}

}  // namespace cadenza::tools
