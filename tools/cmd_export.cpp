// cadenza export --checkpoint RUN --out DIR: a trained model reduced to what sampling,
// evaluation and fine-tuning need — config.json and a weights-only checkpoint (no
// optimizer state: a third of the size for Adam), plus the run's attribute vectors when it
// has them. How the zoo's models (models/zoo.h) are made from training runs.
#include <fmt/format.h>

#include <fstream>
#include <iterator>

#include "engine/error.h"
#include "engine/serialize/atomic_file.h"
#include "models/bundled_data.h"
#include "models/data.h"
#include "models/family.h"
#include "models/run_dir.h"
#include "models/vae/attribute_vectors.h"
#include "optim/checkpoint.h"
#include "tools/cli_util.h"
#include "tools/commands.h"

namespace cadenza::tools {
namespace {
namespace fs = std::filesystem;

struct ExportOptions {
  std::string checkpoint, out;
};

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  CADENZA_CHECK(in.good(), "{}: cannot read", path.string());
  return {std::istreambuf_iterator<char>(in), {}};
}

bool is_bundled_corpus(const fs::path& path, const models::Model& model) {
  const auto bundled = models::bundled_corpus_path(model);
  std::error_code ec;
  return bundled && fs::equivalent(path, *bundled, ec);
}

void run(const ExportOptions& o) {
  const fs::path out = o.out;
  CADENZA_CHECK(!fs::exists(models::config_path(out)), "{}: already holds a model; remove it or choose another --out",
                out.string());
  models::TrainedModel trained = models::load_trained_model(o.checkpoint);
  models::RunSpec spec = trained.spec;
  // The family's bundled corpus is recorded as "" (its default), so the exported model
  // finds it wherever cadenza is checked out or installed. Any other corpus by its file name
  // alone: this machine's folders mean nothing on another, and `eval` without --data then
  // names the file it needs instead of reading whatever lies at an old path.
  if (is_bundled_corpus(spec.data.path, *trained.model))
    spec.data.path.clear();
  else if (!spec.data.path.empty())
    spec.data.path = models::corpus_name(spec.data.path);
  fs::create_directories(out);
  optim::save_checkpoint(models::checkpoint_path(out), *trained.model, nullptr, {trained.step, 0});
  if (const fs::path attributes = models::attributes_path(trained.dir); fs::exists(attributes))
    serialize::write_file_atomic(models::attributes_path(out), read_all(attributes));
  // config.json last: a folder without it is not a model yet (an interrupted export).
  serialize::write_file_atomic(models::config_path(out), models::to_json(spec).dump(2) + "\n");
  fmt::print("exported {} at step {} to {} ({:.1f} MB of weights)\n", spec.model, trained.step, out.string(),
             double(fs::file_size(models::checkpoint_path(out))) / 1e6);
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* cmd =
      app.add_subcommand("export", "Write a trained model's config and weights alone (no optimizer state) to a folder");
  add_checkpoint_option(*cmd, o->checkpoint, "The model to export")->required();
  cmd->add_option("--out", o->out, "Folder to create (a run directory that sample, eval and --init-from take)")
      ->required();
  cmd->callback([o] { run(*o); });
}

}  // namespace cadenza::tools
