// cadenza sample --checkpoint DIR --out FILE.mid [--num-outputs N] [--length L]
//                [--temperature T] [--top-k K] [--top-p P] [--beam W] [--primer FILE.mid] [--seed S]
//                [--note-density X] [--key K | --pitch-histogram W,...] [--tempo QPM]
//                [--device cpu|vulkan[:N]] [--half]
//                [--png PATH|none]
// Writes FILE.mid (FILE-1.mid ... FILE-N.mid when N > 1) and a piano-roll PNG of each.
#include <fmt/format.h>

#include "engine/error.h"
#include "engine/rng.h"
#include "models/run_dir.h"
#include "nn/precision.h"
#include "ops/ops.h"
#include "tools/cli_util.h"
#include "tools/commands.h"
#include "tools/sample_controls.h"

namespace cadenza::tools {
namespace {

struct SampleCli {
  std::string checkpoint, primer, device = "cpu";
  MidiOutput out;
  int64_t num_outputs = 1, length = 0, top_k = 0, beam = 1;
  double temperature = 1.0, top_p = 1.0;
  uint64_t seed = 0;
  ControlCli controls;
  bool half = false;
};

// --half: reduced-precision weights for sampling (nn/precision.h). On a Vulkan
// device the LSTM and Linear weight matrices in f16 (the device must read 16-bit storage);
// on the CPU the LSTM weights in bf16, the CPU's reduced-precision path.
void use_half_weights(models::Model& model, Device device) {
  const nn::WeightPrecision p = device.is_cpu() ? nn::WeightPrecision::bf16 : nn::WeightPrecision::f16;
  if (nn::quantize_for_inference(model, p) == 0)
    fail("--half: {} has no layer with a {} path on {} ({})", model.name(), nn::precision_name(p), device.str(),
         device.is_cpu() ? "LSTM only" : "LSTM and Linear");
}

void run_sample(const SampleCli& o, const CLI::App& cmd) {
  o.out.check();
  if (o.num_outputs < 1) fail("--num-outputs must be positive, not {}", o.num_outputs);
  if (o.length < 0) fail("--length must be positive, not {}", o.length);
  if (!(o.temperature > 0)) fail("--temperature must be positive, not {}", o.temperature);
  if (o.top_k < 0) fail("--top-k must be 0 (off) or positive, not {}", o.top_k);
  if (!(o.top_p > 0 && o.top_p <= 1)) fail("--top-p must be in (0, 1], not {}", o.top_p);
  if (o.beam < 1) fail("--beam must be positive, not {}", o.beam);

  models::SampleOptions options;
  if (o.length > 0) options.length = o.length;
  options.temperature = o.temperature;
  options.top_k = o.top_k;
  options.top_p = o.top_p;
  options.beam = o.beam;
  if (!o.primer.empty()) options.primer = read_midi_score(o.primer);
  options.controls = controls_json(o.controls, cmd);
  if (cmd.count("--tempo")) check_tempo(o.controls.tempo);  // before the model loads

  const Device device = select_device(o.device);
  const models::TrainedModel trained = models::load_trained_model(o.checkpoint);
  trained.model->to(device);
  if (o.half) use_half_weights(*trained.model, device);
  Generator gen(o.seed);
  NoGradGuard no_grad;
  for (int64_t i = 1; i <= o.num_outputs; ++i) {
    music::Score score = trained.model->sample(options, gen);
    if (cmd.count("--tempo")) set_tempo(score, o.controls.tempo);
    o.out.write(score, i, o.num_outputs);
  }
}

}  // namespace

void add_sample_command(CLI::App& app) {
  auto o = std::make_shared<SampleCli>();
  CLI::App* cmd = app.add_subcommand("sample", "Sample MIDI (and a piano-roll PNG) from a trained model");
  add_checkpoint_option(*cmd, o->checkpoint)->required();
  o->out.add_options(*cmd, "Output FILE.mid (FILE-1.mid ... when --num-outputs > 1)");
  cmd->add_option("--num-outputs", o->num_outputs, "How many pieces");
  cmd->add_option("--length", o->length, "New steps (tokens or frames) after the primer (default: the model's)");
  cmd->add_option("--temperature", o->temperature, "Softmax temperature (> 0)");
  cmd->add_option("--top-k", o->top_k, "Keep the k most likely tokens (0: off)");
  cmd->add_option("--top-p", o->top_p, "Nucleus sampling mass in (0, 1] (1: off)");
  cmd->add_option("--beam", o->beam, "Beam width (models that support it)");
  cmd->add_option("--primer", o->primer, "MIDI file the samples continue");
  cmd->add_option("--seed", o->seed, "Random seed");
  cmd->add_option("--device", o->device, "cpu (default), vulkan or vulkan:N");
  add_control_options(*cmd, o->controls);
  cmd->add_flag("--half", o->half,
                "Half-size weights for sampling: f16 on a Vulkan device with 16-bit storage (LSTM, Linear), "
                "bf16 on the CPU (LSTM)");
  cmd->callback([o, cmd] { run_sample(*o, *cmd); });
}

}  // namespace cadenza::tools
