// cadenza transform --checkpoint DIR --in FILE.mid --attribute NAME --amount X --out FILE.mid
// Moves the first segment of a melody along a latent model's attribute vector: decodes
// mu(melody) + X · vector greedily (models/vae/attribute_vectors.h). The vectors come
// from DIR/attributes.safetensors, computed from the run's corpus on first use.
#include <fmt/format.h>

#include <cmath>

#include "engine/error.h"
#include "music/metrics/attributes.h"
#include "music/repr/tokenizer.h"
#include "ops/ops.h"
#include "tools/cli_util.h"
#include "tools/commands.h"
#include "tools/vae_attributes_cli.h"

namespace cadenza::tools {
namespace {

struct TransformCli {
  std::string checkpoint, in, attribute;
  MidiOutput out;
  double amount = 0;
};

void run_transform(const TransformCli& o) {
  o.out.check();
  if (!std::isfinite(o.amount)) fail("--amount must be a number, not {}", o.amount);
  music::metrics::attribute(o.attribute, music::Score{});  // an unknown name fails before any work
  const music::Score melody = read_midi_score(o.in);
  if (melody.note_count() == 0) fail("{}: no notes to transform", o.in);
  VaeRun run = load_vae_run(o.checkpoint);
  const models::AttributeVectors vectors = load_or_compute_attributes(run);
  const auto v = vectors.find(o.attribute);
  if (v == vectors.end())
    fail("{} has no '{}' vector (it did not vary over the corpus it was computed from)",
         models::attributes_path(run.dir).string(), o.attribute);
  const std::vector<int32_t> segment = run.vae->segment_tokens(melody);
  const std::vector<int32_t> moved = models::transform_segment(*run.vae, segment, v->second.direction, o.amount);
  const auto tok = music::repr::make_tokenizer(run.vae->tokenizer());
  o.out.write(tok->decode(moved));
  fmt::print("{}: {:.3f} in the input's first {} steps, {:.3f} after moving {:+g}\n", o.attribute,
             models::segment_attribute(*run.vae, o.attribute, segment), segment.size(),
             models::segment_attribute(*run.vae, o.attribute, moved), o.amount);
}

}  // namespace

void add_transform_command(CLI::App& app) {
  auto o = std::make_shared<TransformCli>();
  CLI::App* cmd = app.add_subcommand("transform", "Move a melody along a latent model's attribute vector");
  add_checkpoint_option(*cmd, o->checkpoint, "A model with a latent space over melodies")->required();
  cmd->add_option("--in", o->in, "Melody MIDI file (its first segment is transformed)")->required();
  cmd->add_option("--attribute", o->attribute, "note_density, pitch_range or syncopation")->required();
  cmd->add_option("--amount", o->amount, "Multiple of the attribute vector to add (negative: less)")->required();
  o->out.add_options(*cmd, "Output FILE.mid");
  cmd->callback([o] { run_transform(*o); });
}

}  // namespace cadenza::tools
