// cadenza attributes --checkpoint DIR [--data PATH] [--max-segments N] [--measure N] [--amount X]
// Computes a latent model's attribute vectors (note_density, pitch_range, syncopation)
// from its corpus's train split into DIR/attributes.safetensors, and with --measure N the
// mean attribute change per unit amount over N held-out segments.
#include <fmt/format.h>

#include <cmath>

#include "engine/error.h"
#include "tools/cli_util.h"
#include "tools/commands.h"
#include "tools/vae_attributes_cli.h"

namespace cadenza::tools {
namespace {

struct AttributesCli {
  std::string checkpoint;
  AttributeJob job;
};

void run_attributes(const AttributesCli& o) {
  if (o.job.max_segments < 8) fail("--max-segments must be at least 8, not {}", o.job.max_segments);
  if (o.job.measure_segments < 0) fail("--measure must be 0 (off) or positive, not {}", o.job.measure_segments);
  if (!(o.job.amount != 0 && std::isfinite(o.job.amount)))
    fail("--amount must be a non-zero number, not {}", o.job.amount);
  VaeRun run = load_vae_run(o.checkpoint);
  const models::AttributeVectors vectors = compute_and_save_attributes(run, o.job);
  fmt::print("{:<14} {:>9} {:>10} {:>10} {:>10}\n", "attribute", "segments", "low mean", "high mean", "per unit");
  for (const auto& [name, v] : vectors)
    fmt::print("{:<14} {:>9} {:>10.3f} {:>10.3f} {:>10}\n", name, v.group_size, v.low_mean, v.high_mean,
               std::isnan(v.effect) ? std::string("-") : fmt::format("{:+.3f}", v.effect));
  fmt::print("wrote {}\n", models::attributes_path(run.dir).string());
}

}  // namespace

void add_attributes_command(CLI::App& app) {
  auto o = std::make_shared<AttributesCli>();
  CLI::App* cmd = app.add_subcommand("attributes", "Compute a latent model's attribute vectors");
  add_checkpoint_option(*cmd, o->checkpoint, "A model with a latent space over melodies")->required();
  cmd->add_option("--data", o->job.data, "Corpus to average over (default: the run's own)");
  cmd->add_option("--max-segments", o->job.max_segments, "Train segments to average over (default 2000)");
  cmd->add_option("--measure", o->job.measure_segments,
                  "Also measure each vector's effect on this many held-out segments (default 0: off)");
  cmd->add_option("--amount", o->job.amount, "Amount at which the effect is measured (default 1)");
  cmd->callback([o] { run_attributes(*o); });
}

}  // namespace cadenza::tools
