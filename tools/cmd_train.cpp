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

#include "dist/communicator.h"
#include "engine/error.h"
#include "engine/serialize/json_file.h"
#include "models/registry.h"
#include "models/train.h"
#include "models/train_request.h"
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

// The flags given, as a models::TrainRequest (an option not given stays unset).
models::TrainRequest train_request(const TrainCli& o, const CLI::App& cmd) {
  auto given = [&](const char* flag) { return cmd.count(flag) > 0; };
  models::TrainRequest r;
  r.model = o.model;
  if (given("--preset")) r.preset = o.preset;
  if (given("--config")) r.patch = serialize::read_json_object(o.config_file);
  if (given("--data")) r.data = o.data;
  if (given("--tokenizer")) r.tokenizer = o.tokenizer;
  if (given("--init-from")) r.init_from = o.init_from;
  if (given("--freeze")) r.freeze = o.freeze;
  if (given("--device")) r.device = o.device;
  if (given("--steps")) r.steps = o.steps;
  if (given("--batch")) r.batch = o.batch;
  if (given("--patience")) r.patience = o.patience;
  if (given("--lr")) r.lr = o.lr;
  if (given("--seed")) r.seed = o.seed;
  r.resume = o.resume;
  r.strict_data = o.strict_data;
  return r;
}

void run_train(const TrainCli& o, const CLI::App& cmd) {
  const models::RunSpec spec = models::train_run_spec(o.out, train_request(o, cmd));
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
