#include "tools/vae_attributes_cli.h"

#include <fmt/format.h>

#include "engine/error.h"
#include "models/capability.h"
#include "models/run_dir.h"
#include "music/metrics/attributes.h"
#include "ops/ops.h"

namespace cadenza::tools {
namespace fs = std::filesystem;

VaeRun load_vae_run(const fs::path& checkpoint) {
  VaeRun run;
  run.dir = models::resolve_checkpoint(checkpoint).dir;  // also for DIR/best.safetensors or a zoo name
  run.trained = models::load_trained_model(checkpoint);
  run.vae = &models::require_capability<models::LatentModel>(*run.trained.model, checkpoint.string(),
                                                             "a model with a latent space for attribute vectors");
  // The attributes (note density, pitch range, syncopation) are a melody's.
  CADENZA_CHECK(run.vae->tokenizer() == "melody", "{} is a '{}' {}; attribute vectors need a melody model",
                checkpoint.string(), run.vae->tokenizer(), run.trained.spec.model);
  return run;
}

models::AttributeVectors compute_and_save_attributes(VaeRun& run, const AttributeJob& job) {
  models::DataOptions data = run.trained.spec.data;
  if (!job.data.empty()) models::use_corpus(data, job.data);
  if (data.steps_per_quarter == 0) data.steps_per_quarter = models::default_steps_per_quarter(data.path);
  NoGradGuard no_grad;
  const auto train = models::corpus_segments(*run.vae, data, models::DataSplit::train, job.max_segments);
  models::AttributeVectors vectors =
      models::compute_attribute_vectors(*run.vae, train, music::metrics::attribute_names());
  for (const std::string& name : music::metrics::attribute_names())
    if (!vectors.count(name))
      fmt::print(stderr, "cadenza: warning: {} does not vary over the corpus's segments; no vector for it\n", name);
  if (job.measure_segments > 0) {
    // Held-out melodies: the valid split, else the test split, else (said so) train.
    models::Dataset probe(*run.vae, [&] {
      models::DataOptions d = data;
      d.length = d.eval_length = run.vae->segment_length();
      return d;
    }());
    const models::DataSplit split = probe.has_split(models::DataSplit::valid)  ? models::DataSplit::valid
                                    : probe.has_split(models::DataSplit::test) ? models::DataSplit::test
                                                                               : models::DataSplit::train;
    if (split == models::DataSplit::train)
      fmt::print(stderr, "cadenza: warning: {} has no valid or test split; measuring on train\n", data.path.string());
    const auto held_out = models::corpus_segments(*run.vae, data, split, job.measure_segments);
    for (auto& [name, v] : vectors)
      v.effect = models::attribute_effect(*run.vae, held_out, name, v.direction, job.amount);
  }
  models::save_attribute_vectors(models::attributes_path(run.dir), vectors);
  return vectors;
}

models::AttributeVectors load_or_compute_attributes(VaeRun& run) {
  const fs::path path = models::attributes_path(run.dir);
  if (fs::exists(path)) return models::load_attribute_vectors(path);
  fmt::print(stderr, "cadenza: computing attribute vectors into {} (first use)\n", path.string());
  return compute_and_save_attributes(run, {});
}

}  // namespace cadenza::tools
