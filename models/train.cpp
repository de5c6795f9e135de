#include "models/train.h"

#include <fmt/format.h>

#include <chrono>
#include <optional>

#include "engine/error.h"
#include "engine/serialize/atomic_file.h"
#include "models/data_parallel.h"
#include "models/early_stopping.h"
#include "models/family.h"
#include "models/metrics_log.h"
#include "models/progress.h"
#include "models/registry.h"
#include "models/train_step.h"
#include "models/transfer.h"
#include "ops/ops.h"
#include "optim/checkpoint.h"
#include "optim/schedule.h"

namespace cadenza::models {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Linear warm-up to lr, then cosine decay to lr·min_lr_ratio at the last step. The warm-up
// takes at most a fifth of the run, so a short run still reaches its learning rate.
optim::Schedule make_schedule(const TrainOptions& o) {
  const int64_t warmup = std::min(o.warmup, o.steps / 5);
  const optim::Schedule warm = optim::linear_warmup(o.lr, std::max<int64_t>(warmup, 1));
  const optim::Schedule decay =
      optim::cosine_decay(o.lr, std::max<int64_t>(o.steps - warmup, 1), o.lr * o.min_lr_ratio);
  return [=](int64_t k) { return k < warmup ? warm(k) : decay(k - warmup); };
}

}  // namespace

EvalResult evaluate(Model& model, const Dataset& data, DataSplit split, int64_t max_batches) {
  nn::EvalScope eval_mode(model);  // dropout off
  NoGradGuard no_grad;
  double nll = 0, steps = 0, correct = 0;
  // One session for the pass: a recurrent model carries its state across a piece's windows.
  const std::unique_ptr<EvalSession> session = model.eval_session();
  data.for_each_eval_batch(
      split,
      [&, device = model.device()](const Batch& batch) {
        const LossResult r = session->loss(to_device(batch, device));
        nll += r.nll_sum, steps += r.steps, correct += r.correct;
      },
      max_batches, session->carries_state() ? EvalLayout::carried : EvalLayout::in_order);
  EvalResult out;
  out.steps = steps;
  if (steps > 0) out.nll = nll / steps, out.accuracy = correct / steps;
  return out;
}

TrainResult train(const fs::path& dir, const RunSpec& spec_in, bool resume, const TrainHooks& hooks) {
  RunSpec spec = spec_in;
  validate(spec.train);
  CADENZA_CHECK(!hooks.on_step || !hooks.comm, "train: a step callback needs a single process");
  const TrainOptions& o = spec.train;
  const fs::path ckpt = checkpoint_path(dir);
  if (resume)
    CADENZA_CHECK(fs::exists(ckpt), "{}: no checkpoint to resume", dir.string());
  else
    CADENZA_CHECK(!fs::exists(ckpt), "{}: already holds a checkpoint (use --resume to continue it, or another --out)",
                  dir.string());

  // Everything random — initialisation, then dropout — comes from the default generator,
  // whose state the checkpoint records.
  manual_seed(o.seed);
  std::shared_ptr<Model> model = find_model(spec.model).make(spec.config);
  model->train();
  // A family whose validation is no likelihood (a GAN's critic gap) has no best model to keep.
  const bool track_best = tracks_best(*model);
  CADENZA_CHECK(track_best || o.patience == 0, "patience: {}'s validation is not a likelihood, so it cannot stop early",
                spec.model);
  // The default corpus is the family's, hence only now.
  if (spec.data.path.empty()) spec.data.path = default_corpus_path(*model);
  spec.data.path = fs::absolute(spec.data.path);  // sample and eval may run from elsewhere
  if (spec.data.steps_per_quarter == 0) spec.data.steps_per_quarter = default_steps_per_quarter(spec.data.path);
  // A model that keeps a time grid in its config (poly_rnn: the grid of its primers and
  // samples) learns the data's frames, so its grid is the data's. Remade from the same
  // seed, it starts from the same weights.
  if (spec.config.contains("steps_per_quarter") && spec.config["steps_per_quarter"] != spec.data.steps_per_quarter) {
    spec.config["steps_per_quarter"] = spec.data.steps_per_quarter;
    manual_seed(o.seed);
    model = find_model(spec.model).make(spec.config);
    model->train();
  }
  // A fine-tuning run starts from another run's weights (a resumed one from its own).
  if (!o.init_from.empty() && !resume) load_initial_weights(*model, o.init_from);
  // Initialised on the host (same values on every device), then moved before the
  // optimizer exists, so its state is created on the parameters' device.
  const Device device = parse_device(o.device);
  model->to(device);
  Dataset data(*model, spec.data);  // validates spec.data
  // Frozen groups stop requiring gradients, which keeps them out of the step's optimizer
  // (and gradient clipping).
  if (!o.freeze.empty()) trainable_parameters(*model, parse_groups(o.freeze));
  std::unique_ptr<TrainStep> train_step = model->make_train_step(o);
  const optim::Schedule schedule = make_schedule(o);

  TrainResult result;
  int64_t step = 0;
  if (resume) {
    const optim::TrainingProgress p =
        optim::load_checkpoint(ckpt, *model, train_step->optimizers(), default_generator());
    step = p.step;
    data.seek(p.data_position);
    result.checkpoint_step = step;
  }
  DataParallel ranks(hooks.comm, *model, spec.data.batch_size);
  // Rank 0 alone writes the run directory (config, metrics, plot, checkpoints) and
  // validates; the other ranks only read the checkpoint above.
  const bool root = ranks.is_root();
  if (root) {
    fs::create_directories(dir);
    serialize::write_file_atomic(config_path(dir), to_json(spec).dump(2) + "\n");
  }

  std::optional<MetricsLog> metrics;
  if (root) metrics.emplace(metrics_path(dir), resume ? step : -1);
  Progress progress(root ? hooks.log : nullptr, step, o.steps, o.log_every);
  const Clock::time_point run_start = Clock::now();
  const double seconds_before = root ? metrics->last_seconds() : 0;
  const bool can_validate = root && data.has_split(DataSplit::valid);
  if (resume) progress.message(fmt::format("resuming {} at step {} of {}", spec.model, step, o.steps));
  if (ranks.size() > 1) {
    const int64_t n = ranks.size(), b = spec.data.batch_size;
    const std::string rows = b % n == 0 ? fmt::format("{}", b / n) : fmt::format("{}-{}", b / n, b / n + 1);
    progress.message(fmt::format("data-parallel over {} ranks: global batch {}, {} rows on each rank", n, b, rows));
  }
  EarlyStopping early(o.patience);
  if (root && resume) early.replay(metrics->valid_curve());
  // Set on rank 0 when patience runs out; with several ranks it travels as a stop request
  // in the next step's gradient exchange, so that they all stop at the same step.
  bool stop_early = false;

  auto save_to = [&](const fs::path& path) {
    if (root)
      optim::save_checkpoint(path, *model, train_step->optimizers(), {step, data.position()}, default_generator());
  };
  auto save = [&] {
    save_to(ckpt);
    result.checkpoint_step = step;
  };
  auto plot = [&] {
    if (root) write_loss_plot(metrics->train_curve(), metrics->valid_curve(), loss_plot_path(dir));
  };
  auto diverge = [&](const std::string& what) {
    result.status = TrainStatus::diverged;
    result.step = step;
    result.message = result.checkpoint_step >= 0
                         ? fmt::format("step {}: {}; training stopped, the last good checkpoint ({}, step {}) is kept",
                                       step + 1, what, ckpt.string(), result.checkpoint_step)
                         : fmt::format("step {}: {}; training stopped before any checkpoint was saved", step + 1, what);
    plot();
    return result;
  };

  double interval_loss = 0, interval_tokens = 0;
  int64_t interval_steps = 0;
  Clock::time_point interval_start = Clock::now();
  while (step < o.steps) {
    const double lr = schedule(step);
    const TrainStep::Result r = train_step->run([&] { return to_device(ranks.shard(data.next_train_batch()), device); },
                                                lr, ranks, (hooks.stop && hooks.stop->load()) || stop_early);
    if (!r.diverged.empty()) return diverge(r.diverged);
    ++step;

    interval_loss += r.loss, interval_tokens += r.steps, ++interval_steps;
    const double tokens_per_s = interval_tokens / std::max(seconds_since(interval_start), 1e-9);
    progress.update(step, r.loss, tokens_per_s);

    const bool last = step == o.steps;
    const bool interrupted = r.stop;
    const bool validate_now = can_validate && (last || (o.valid_every > 0 && step % o.valid_every == 0));
    StepReport report{step, o.steps, r.loss, lr, tokens_per_s, NAN};
    if (step % o.log_every == 0 || last || interrupted || validate_now) {
      MetricsRow row{step,         interval_loss / interval_steps,           NAN, lr,
                     tokens_per_s, seconds_before + seconds_since(run_start)};
      if (validate_now) {
        const EvalResult v = evaluate(*model, data, DataSplit::valid, o.valid_batches);
        row.valid_nll = result.valid_nll = report.valid_nll = v.nll;
        result.valid_text = describe_validation(*model, v.nll, v.accuracy);
        progress.message(fmt::format("step {}: {}", step, result.valid_text));
        if (track_best && early.record(step, v.nll)) save_to(best_checkpoint_path(dir));
        stop_early = early.should_stop();
      }
      if (root) metrics->append(row);
      interval_loss = interval_tokens = 0, interval_steps = 0, interval_start = Clock::now();
      if (validate_now || last || interrupted) plot();
    }
    const bool stopped_by_hook = hooks.on_step && !hooks.on_step(report);
    if (stopped_by_hook && !last && !interrupted && !validate_now) plot();
    const bool stop_now = interrupted || stopped_by_hook || (stop_early && ranks.size() == 1);
    if (last || stop_now || step % o.checkpoint_every == 0) save();
    if (stop_now && !last) {
      result.status = stop_early && !stopped_by_hook ? TrainStatus::stopped_early : TrainStatus::interrupted;
      break;
    }
  }
  result.step = step;
  // Each skipped file was reported when first met; the total closes the log.
  if (data.skipped().count() > 0) progress.message("data: " + data.skipped().summary());
  if (early.has_best()) result.best_step = early.best_step(), result.best_valid_nll = early.best();
  return result;
}

}  // namespace cadenza::models
