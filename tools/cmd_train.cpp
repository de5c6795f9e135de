// cadenza train --model NAME --out DIR [--data PATH] [--preset P] [--steps N] [--batch B]
//               [--lr X] [--seed S] [--resume] [--config FILE.json] [--device cpu|vulkan[:N]]
//               [--init-from RUN_DIR[/best.safetensors]] [--freeze GROUP,...] [--patience N]
//               [--tokenizer NAME|BPE.json|STORE]
// Runs models::train (models/train.h). Ctrl-C finishes the current step, saves a
// checkpoint and exits 0; a NaN/Inf loss exits 1 with the step named. Started by an MPI
// launcher (`mpirun -np N cadenza train ...`), the N processes train data-parallel
// (docs/DISTRIBUTED.md); an error on any rank ends the whole job.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <functional>

#include "dist/communicator.h"
#include "engine/error.h"
#include "models/registry.h"
#include "models/train.h"
#include "models/transfer.h"
#include "music/corpus/store.h"
#include "music/repr/tokenizer_spec.h"
#include "tools/cli_util.h"
#include "tools/commands.h"

namespace cadenza::tools {
namespace {

// Set by the SIGINT handler, read by the training loop after every step. A lock-free
// atomic is async-signal-safe; the handler does nothing else.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_sigint(int) { g_interrupted.store(true); }

// SA_RESETHAND: a second Ctrl-C gets the default action and ends the program at once.
void install_sigint_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &sa, nullptr);
}

struct TrainCli {
  std::string model, out, data, preset = "small", config_file, device, init_from, freeze, tokenizer;
  int64_t steps = 0, batch = 0, patience = 0;
  double lr = 0;
  uint64_t seed = 0;
  bool resume = false, strict_data = false;
};

// The model config's "tokenizer" for --tokenizer: a name, a BPE file (its whole object) or
// a corpus store (the tokenizer it was built with).
nlohmann::json tokenizer_spec_of(const std::string& arg) {
  try {
    if (music::corpus::is_store(arg)) return music::corpus::Store(arg).tokenizer_spec();
    return music::repr::tokenizer_spec(*music::repr::load_tokenizer(arg));
  } catch (const std::exception& e) {
    fail("--tokenizer: {}", e.what());
  }
}

nlohmann::json read_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail("{}: cannot read the config file", path);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) fail("{}: not a JSON object", path);
  return j;
}

// With several ranks, an error on one (a failed collective, a full disk on rank 0) would
// leave the others waiting in a collective: that rank says what happened and ends the job.
models::TrainResult train_or_end_job(const std::string& out, const models::RunSpec& spec, bool resume,
                                     const models::TrainHooks& hooks) {
  if (!hooks.comm) return models::train(out, spec, resume, hooks);
  try {
    return models::train(out, spec, resume, hooks);
  } catch (const std::exception& e) {
    std::string reason = e.what();
    std::replace(reason.begin(), reason.end(), '\n', ' ');
    fmt::print(stderr, "cadenza: error: rank {} of {}: {}; ending the job\n", hooks.comm->rank(), hooks.comm->size(),
               reason);
    std::fflush(stderr);
    hooks.comm->abort(1);
  }
}

using Given = std::function<bool(const char*)>;

// The flags that set one option each, applied to `spec`.
void apply_option_flags(models::RunSpec& spec, const TrainCli& o, const Given& given, const nlohmann::json& patch) {
  if (given("--freeze")) spec.train.freeze = o.freeze;
  if (given("--tokenizer")) spec.config["tokenizer"] = tokenizer_spec_of(o.tokenizer);
  if (given("--data")) {
    spec.data.path = o.data;
    // The new corpus's grid is looked up again, unless --config sets it.
    if (!patch.contains("data") || !patch["data"].contains("steps_per_quarter")) spec.data.steps_per_quarter = 0;
  }
  if (given("--patience")) spec.train.patience = o.patience;
  if (o.strict_data) spec.data.strict_data = true;
  if (given("--batch")) spec.data.batch_size = o.batch;
  if (given("--lr")) spec.train.lr = o.lr;
  if (given("--seed")) spec.train.seed = spec.data.seed = o.seed;
}

nlohmann::json config_patch(const TrainCli& o) {
  return o.config_file.empty() ? nlohmann::json() : read_config_file(o.config_file);
}

// The run the flags describe, as a new run starts it.
models::RunSpec new_run_spec(const TrainCli& o, const Given& given) {
  models::RunSpec spec;
  const nlohmann::json patch = config_patch(o);
  if (given("--init-from")) {
    if (given("--preset"))
      fail("--init-from takes the model, its preset and config from the checkpoint; drop --preset");
    spec = models::fine_tune_spec(o.init_from, patch);
    if (!o.model.empty() && o.model != spec.model)
      fail("--init-from {} holds a '{}' model, not '{}'", o.init_from, spec.model, o.model);
  } else {
    if (o.model.empty()) fail("train needs --model (known: {})", fmt::join(models::model_names(), ", "));
    spec = models::make_run_spec(o.model, o.preset, patch);
  }
  apply_option_flags(spec, o, given, patch);
  return spec;
}

// --resume continues with the run's own settings. The command that started the run may be
// given again (a script reruns one command until the run is done): every flag given must
// say what the run already has; one that would change the run is refused, naming the first
// setting that differs. --steps and --device may change.
void check_resume_flags(const TrainCli& o, const Given& given, const models::RunSpec& run) {
  const nlohmann::json had = models::to_json(run);
  nlohmann::json asked_json = had;
  const nlohmann::json patch = config_patch(o);
  if (patch.is_object())
    for (const auto& [key, value] : patch.items()) asked_json[key].merge_patch(value);
  if (given("--preset")) asked_json["preset"] = o.preset;
  models::RunSpec asked = models::run_spec_from_json(asked_json);
  if (given("--init-from")) asked.train.init_from = models::fine_tune_spec(o.init_from, nullptr).train.init_from;
  apply_option_flags(asked, o, given, patch);
  std::error_code ec;
  if (given("--data") && std::filesystem::equivalent(o.data, run.data.path, ec)) asked.data.path = run.data.path;
  if (asked.data.steps_per_quarter == 0) asked.data.steps_per_quarter = run.data.steps_per_quarter;
  const nlohmann::json diff = nlohmann::json::diff(had, models::to_json(asked));
  if (diff.empty()) return;
  const nlohmann::json::json_pointer where(diff[0]["path"].get<std::string>());
  std::string setting = where.to_string().substr(1);
  std::replace(setting.begin(), setting.end(), '/', '.');
  fail(
      "--resume continues with the run's own settings; only --steps and --device may change, not {} (the run's: {}, "
      "given: {})",
      setting, had.contains(where) ? had[where].dump() : "none", diff[0].value("value", nlohmann::json()).dump());
}

void run_train(const TrainCli& o, const CLI::App& cmd) {
  const Given given = [&](const char* flag) { return cmd.count(flag) > 0; };
  if (given("--steps") && o.steps <= 0) fail("--steps must be positive, not {}", o.steps);
  if (given("--batch") && o.batch <= 0) fail("--batch must be positive, not {}", o.batch);
  if (given("--lr") && !(o.lr > 0)) fail("--lr must be positive, not {}", o.lr);
  if (given("--patience") && o.patience < 0) fail("--patience must be 0 (off) or positive, not {}", o.patience);

  models::RunSpec spec;
  if (o.resume) {
    spec = models::load_run_spec(o.out);
    if (!o.model.empty() && o.model != spec.model)
      fail("{} holds a run of model '{}', not '{}'", o.out, spec.model, o.model);
    check_resume_flags(o, given, spec);
  } else {
    spec = new_run_spec(o, given);
  }
  if (given("--steps")) spec.train.steps = o.steps;
  // Recorded in config.json; a resumed run may continue on another device.
  if (given("--device")) spec.train.device = o.device;
  select_device(spec.train.device);

  install_sigint_handler();
  models::TrainHooks hooks;
  hooks.stop = &g_interrupted;
  dist::Communicator& ranks = dist::world();
  if (ranks.size() > 1) hooks.comm = &ranks;
  const models::TrainResult r = train_or_end_job(o.out, spec, o.resume, hooks);
  if (ranks.rank() != 0) return;  // rank 0 reports for the job
  const std::string ckpt = models::checkpoint_path(o.out).string();
  switch (r.status) {
    case models::TrainStatus::diverged: fail("{}", r.message);
    case models::TrainStatus::interrupted:
      fmt::print(stderr, "cadenza: interrupted: saved {} at step {}; continue with --resume\n", ckpt, r.step);
      return;
    case models::TrainStatus::finished:
    case models::TrainStatus::stopped_early: {
      // One line, for scripts: what happened, the last checkpoint, and the best one.
      std::string line = r.status == models::TrainStatus::finished
                             ? fmt::format("trained {} to step {}", spec.model, r.step)
                             : fmt::format("stopped {} early at step {} ({} validations without a better NLL)",
                                           spec.model, r.step, spec.train.patience);
      if (!r.valid_text.empty()) line += ": " + r.valid_text;
      line += "; checkpoint " + ckpt;
      if (r.best_step >= 0)
        line += fmt::format("; best validation NLL {:.4f} at step {}: {}", r.best_valid_nll, r.best_step,
                            models::best_checkpoint_path(o.out).string());
      fmt::print("{}\n", line);
    }
  }
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto o = std::make_shared<TrainCli>();
  CLI::App* cmd = app.add_subcommand("train", "Train a model (checkpoints, metrics.csv and loss.png in --out)");
  cmd->add_option("--model", o->model, "Model family: " + fmt::format("{}", fmt::join(models::model_names(), ", ")));
  cmd->add_option("--out", o->out, "Run directory")->required();
  cmd->add_option("--data", o->data,
                  "JSON piano-roll corpus, folder of MIDI files, corpus store (cadenza corpus build), or a family's "
                  "own format (default: the family's corpus, mostly the bundled JSB Chorales)");
  cmd->add_option("--tokenizer", o->tokenizer,
                  "Token models: remi, performance, ..., a BPE file, or a corpus store (the tokenizer it was built "
                  "with); sets the model config's \"tokenizer\"");
  cmd->add_option("--preset", o->preset, "Model preset: small or paper");
  cmd->add_option("--steps", o->steps, "Optimizer steps in total");
  cmd->add_option("--batch", o->batch, "Sequences per batch");
  cmd->add_option("--lr", o->lr, "Peak learning rate");
  cmd->add_option("--seed", o->seed, "Seed of initialisation, dropout and batch order");
  cmd->add_option("--device", o->device, "cpu (default), vulkan or vulkan:N (see cadenza devices)");
  cmd->add_flag("--resume", o->resume, "Continue the run in --out from its checkpoint");
  cmd->add_option("--init-from", o->init_from,
                  "Fine-tune: start from this run directory's weights (its model and config), or from one of its "
                  "checkpoint files (DIR/best.safetensors); fresh optimizer");
  cmd->add_option("--freeze", o->freeze,
                  "Comma-separated parameter groups to keep fixed (name prefixes, e.g. embedding,lstm.0)");
  cmd->add_option("--patience", o->patience,
                  "Stop after N validations without a better validation NLL (0: off); DIR/best.safetensors "
                  "holds the best model either way");
  cmd->add_flag("--strict-data", o->strict_data,
                "Stop at the first unreadable file of the corpus instead of skipping it (skipped files are always "
                "named in the log)");
  cmd->add_option("--config", o->config_file, "JSON patch: {\"config\": model, \"data\": ..., \"train\": ...}");
  cmd->callback([o, cmd] { run_train(*o, *cmd); });
}

}  // namespace cadenza::tools
