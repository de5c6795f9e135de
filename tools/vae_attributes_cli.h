// What `cadenza attributes` and `cadenza transform` share: the latent model of a run
// directory (models/latent_model.h), and its attribute vectors (models/vae/attribute_vectors.h), computed from
// the run's corpus (or another) and stored in DIR/attributes.safetensors.
#pragma once

#include <filesystem>
#include <string>

#include "models/run_dir.h"
#include "models/vae/attribute_vectors.h"

namespace cadenza::tools {

struct VaeRun {
  std::filesystem::path dir;
  models::TrainedModel trained;
  models::LatentModel* vae = nullptr;
};
// Throws naming the model family when the run has no latent space over melodies.
VaeRun load_vae_run(const std::filesystem::path& checkpoint);

struct AttributeJob {
  std::string data;              // corpus; "": the run's own
  int64_t max_segments = 2000;   // train segments the vectors average over
  int64_t measure_segments = 0;  // > 0: measure each vector's effect on that many valid/test segments
  double amount = 1.0;           // ... at this amount
};

// Computes every attribute's vector from the corpus's train split (and, if asked, its
// effect), writes DIR/attributes.safetensors atomically and returns the vectors.
models::AttributeVectors compute_and_save_attributes(VaeRun& run, const AttributeJob& job);

// DIR/attributes.safetensors, or (when missing) computed from the run's corpus first.
models::AttributeVectors load_or_compute_attributes(VaeRun& run);

}  // namespace cadenza::tools
