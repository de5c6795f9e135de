// Trains a model built from a custom layer (GLU) and a custom op (snake, with its own CPU
// kernel and Vulkan shader) on the bundled corpus, samples a MIDI file from it, and leaves
// a run directory `cadenza sample` reads (with the example's plugin loaded):
//
//   train_custom [--out DIR] [--steps N] [--device cpu|vulkan] [--data PATH]
//   cadenza --plugin build/examples/custom/libcadenza_example_plugin.so sample --checkpoint DIR --out x.mid
//
// The model is the family "snake_glu" (examples/custom/snake_glu_model.h), registered by
// the example library like any built-in family with its own data source and evaluation
// figure (examples/custom/snake_glu_family.cpp), so the library's trainer does the rest:
// batches, Adam with warm-up and cosine decay, validation, an atomic checkpoint.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "engine/rng.h"
#include "models/run_dir.h"
#include "models/train.h"
#include "music/score/midi_convert.h"
#ifdef TRAIN_CUSTOM_HAVE_VULKAN
#include "engine/vulkan/runtime.h"
#endif

using namespace cadenza;

namespace {

struct Options {
  std::string out = "runs/snake_glu", device = "cpu", data;
  int64_t steps = 200;
};

// The Vulkan backend starts on first use; a missing device is one clear line.
void start_device(const std::string& device) {
  if (device.rfind("vulkan", 0) != 0) return;
#ifdef TRAIN_CUSTOM_HAVE_VULKAN
  if (!vulkan::available()) fail("--device {}: no Vulkan device: {}", device, vulkan::reason());
#else
  fail("--device {}: this build has no Vulkan backend", device);
#endif
}

void run(const Options& o) {
  start_device(o.device);
  // The family's "small" preset, patched like `cadenza train --config` would patch it.
  nlohmann::json patch = {{"data", {{"batch_size", 16}, {"length", 32}}},
                          {"train",
                           {{"steps", o.steps},
                            {"device", o.device},
                            {"valid_every", 0},
                            {"valid_batches", 5},
                            {"log_every", 20},
                            {"warmup", 10}}}};
  models::RunSpec spec = models::make_run_spec("snake_glu", "small", patch);
  if (!o.data.empty()) spec.data.path = o.data;  // else the family's default corpus

  const models::TrainResult r = models::train(o.out, spec, /*resume=*/false);
  if (r.status != models::TrainStatus::finished) fail("training stopped at step {}: {}", r.step, r.message);
  fmt::print("trained {} steps on {}: {}\n", r.step, o.device, r.valid_text);

  // Back from the checkpoint, exactly as `cadenza sample` does it.
  models::TrainedModel trained = models::load_trained_model(o.out);
  trained.model->to(models::parse_device(o.device));
  Generator gen(1);
  models::SampleOptions s;
  s.length = 32;
  const music::Score score = trained.model->sample(s, gen);
  const std::filesystem::path mid = std::filesystem::path(o.out) / "sample.mid";
  music::save_midi(score, mid);
  fmt::print("wrote {} ({} notes)\n", mid.string(), score.tracks.empty() ? 0 : score.tracks[0].notes.size());
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"train_custom: a model with a custom layer and op, trained on the bundled corpus"};
  app.add_option("--out", o.out, "Run directory (must not hold a checkpoint yet)");
  app.add_option("--steps", o.steps, "Optimizer steps");
  app.add_option("--device", o.device, "cpu or vulkan");
  app.add_option("--data", o.data, "Corpus (default: the bundled JSB Chorales rolls)");
  try {
    app.parse(argc, argv);
    run(o);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    fmt::print(stderr, "train_custom: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
