#pragma once
// music_vae's evaluation on a split (as in the MusicVAE paper's Table 1 and Magenta's eval
// metrics): every evaluation window of the split (models/data.h) is one sequence to
// reconstruct, with z = the posterior mean. A step is a token of a melody, or a trio step
// (melody, bass and drums): its NLL sums the parts', its accuracies are the parts' mean,
// and `parts` gives each part's own.
#include "models/data.h"
#include "models/family.h"
#include "models/vae/music_vae.h"

namespace cadenza::models {

struct VaePartResult {
  std::string name;               // "melody", "bass", "drums"
  double nll = NAN;               // nats per step of this part (teacher forcing)
  double accuracy = NAN;          // teacher forcing
  double sampled_accuracy = NAN;  // greedy decode of z = mu
};

struct VaeEvalResult {
  double nll = NAN;               // reconstruction NLL, nats per step (teacher forcing)
  double kl = NAN;                // KL(q(z|x) || N(0, I)), nats per sequence
  double accuracy = NAN;          // token accuracy with teacher forcing
  double sampled_accuracy = NAN;  // token accuracy of the greedy decode of z (no teacher forcing)
  double sequences = 0, tokens = 0;
  std::vector<VaePartResult> parts;
};

VaeEvalResult evaluate_vae(MusicVae& model, const Dataset& data, DataSplit split, int64_t max_batches = 0);

// evaluate_vae as `cadenza eval` reports it (models/family.h): the KL and the greedy
// reconstruction accuracy beside the NLL, and for a trio each track's figures.
EvalReport vae_eval_report(Model& model, const Dataset& data, DataSplit split);

}  // namespace cadenza::models
