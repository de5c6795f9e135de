#pragma once
// The pieces of MusicVAE's objective that do not depend on the networks, as in Magenta's
// magenta/models/music_vae/base_model.py (MusicVAE._compute_model_loss) and
// lstm_models.py (BaseLstmDecoder sampling schedules):
//   kl       = KL(N(mu, diag sigma²) || N(0, I)) summed over the latent axis
//   kl_cost  = max(kl − free_bits · ln 2, 0)            (free bits given in bits)
//   beta     = (1 − beta_rate^step) · max_beta
//   loss     = mean_b(r_loss_b) + beta · mean_b(kl_cost_b), r_loss_b summed over time
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace cadenza::models::vae {

// mu, sigma [B, Z] (sigma > 0) -> [B].
Tensor gaussian_kl(const Tensor& mu, const Tensor& sigma);
// kl [B] -> max(kl − free_bits · ln 2, 0), differentiable where kl exceeds the allowance.
Tensor free_bits_kl(const Tensor& kl, double free_bits);
double kl_beta(double max_beta, double beta_rate, int64_t step);

// The reconstruction NLL of a multi-part step (Magenta's SplitMultiOutLstmDecoder, e.g. a
// trio's melody, bass and drums): logits [B, T, Σ sizes] are split along the last axis
// into the parts' classes and each part's cross-entropy against its targets i64 [B, T]
// (-100: not counted, 0 there) is returned, [B, T] per part; their sum is the step's NLL.
std::vector<Tensor> split_cross_entropy(const Tensor& logits, const std::vector<Tensor>& targets,
                                        const std::vector<int64_t>& sizes);

// Probability that a decoder input is the model's own previous sample rather than the
// ground truth, at training step `step`:
//   "constant": rate;  "exponential": 1 − rate^step;
//   "inverse_sigmoid": 1 − rate / (rate + exp(step / rate)).
// Throws on another schedule name or a rate outside its domain.
double sampling_probability(const std::string& schedule, double rate, int64_t step);
void check_sampling_schedule(const std::string& schedule, double rate, const std::string& model);

// Spherical interpolation between p0 and p1 at t in [0, 1] (Magenta's music_vae slerp);
// falls back to linear interpolation when the two are (anti)parallel.
std::vector<float> slerp(const std::vector<float>& p0, const std::vector<float>& p1, double t);

}  // namespace cadenza::models::vae
