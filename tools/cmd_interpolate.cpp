// cadenza interpolate --checkpoint DIR A.mid B.mid --steps N --out FILE.mid
//                     [--temperature T] [--seed S] [--device D]
// Interpolation in a latent model's space (models/latent_model.h; MusicVAE's): the first
// segment of A and of B (segment_length() tokens, shorter scores padded with rests) are
// encoded to their posterior means, N points are taken on the path between them and each
// is decoded; the N segments are written one after another as one MIDI file, with a
// piano-roll PNG.
#include <fmt/format.h>

#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/rng.h"
#include "models/capability.h"
#include "models/latent_model.h"
#include "models/run_dir.h"
#include "tools/cli_util.h"
#include "tools/commands.h"

namespace cadenza::tools {
namespace {

struct InterpolateCli {
  std::string checkpoint, a, b, device = "cpu";
  MidiOutput out;
  int64_t steps = 5;
  double temperature = 0.5;
  uint64_t seed = 0;
};

void run_interpolate(const InterpolateCli& o) {
  o.out.check();
  CADENZA_CHECK(o.steps >= 2, "--steps must be at least 2, not {}", o.steps);
  CADENZA_CHECK(o.temperature >= 0, "--temperature must be 0 (greedy) or positive, not {}", o.temperature);
  const music::Score a = read_midi_score(o.a), b = read_midi_score(o.b);
  const Device device = select_device(o.device);
  const models::TrainedModel trained = models::load_trained_model(o.checkpoint);
  models::LatentModel& latent = models::require_capability<models::LatentModel>(
      *trained.model, o.checkpoint + ": interpolate", "a model with a latent space");
  latent.to(device);
  Generator gen(o.seed);
  NoGradGuard no_grad;
  o.out.write(latent.interpolate(a, b, o.steps, o.temperature, gen));
}

}  // namespace

void add_interpolate_command(CLI::App& app) {
  auto o = std::make_shared<InterpolateCli>();
  CLI::App* cmd = app.add_subcommand("interpolate",
                                     "Interpolate between two melodies (or trios) in a trained model's latent space");
  add_checkpoint_option(*cmd, o->checkpoint, "A model with a latent space")->required();
  cmd->add_option("a", o->a, "First melody or trio (MIDI)")->required();
  cmd->add_option("b", o->b, "Second melody or trio (MIDI)")->required();
  cmd->add_option("--steps", o->steps, "Points on the path, both ends included (>= 2)");
  o->out.add_options(*cmd, "Output FILE.mid (the points one after another)");
  cmd->add_option("--temperature", o->temperature, "Decoder temperature (0: greedy; Magenta's default 0.5)");
  cmd->add_option("--seed", o->seed, "Random seed");
  cmd->add_option("--device", o->device, "cpu (default), vulkan or vulkan:N");
  cmd->callback([o] { run_interpolate(*o); });
}

}  // namespace cadenza::tools
