#include "models/vae/vae_loss.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "engine/error.h"
#include "ops/ops.h"

namespace cadenza::models::vae {

Tensor gaussian_kl(const Tensor& mu, const Tensor& sigma) {
  CADENZA_CHECK(mu.dim() == 2 && mu.shape() == sigma.shape(),
                "gaussian_kl: expected mu and sigma [B, Z], got {} and {}", shape_str(mu.shape()),
                shape_str(sigma.shape()));
  // Per dimension: −log σ + (σ² + μ²) / 2 − 1/2.
  Tensor per = sub(add(neg(log(sigma)), mul(add(mul(sigma, sigma), mul(mu, mu)), 0.5)), 0.5);
  return sum(per, {1});
}

Tensor free_bits_kl(const Tensor& kl, double free_bits) { return relu(sub(kl, free_bits * std::numbers::ln2)); }

std::vector<Tensor> split_cross_entropy(const Tensor& logits, const std::vector<Tensor>& targets,
                                        const std::vector<int64_t>& sizes) {
  int64_t total = 0;
  for (int64_t n : sizes) total += n;
  CADENZA_CHECK(logits.dim() == 3 && logits.size(2) == total && targets.size() == sizes.size(),
                "split_cross_entropy: expected logits [B, T, {}] and {} targets, got {} and {}", total, sizes.size(),
                shape_str(logits.shape()), targets.size());
  std::vector<Tensor> out;
  int64_t offset = 0;
  for (size_t k = 0; k < sizes.size(); ++k) {
    out.push_back(cross_entropy(contiguous(narrow(logits, 2, offset, sizes[k])), targets[k],
                                {.ignore_index = -100, .reduction = Reduction::none}));
    offset += sizes[k];
  }
  return out;
}

double kl_beta(double max_beta, double beta_rate, int64_t step) {
  return (1.0 - std::pow(beta_rate, double(step))) * max_beta;
}

void check_sampling_schedule(const std::string& schedule, double rate, const std::string& model) {
  if (schedule == "constant")
    CADENZA_CHECK(rate >= 0 && rate <= 1, "{}: constant sampling_rate {} should be in [0, 1]", model, rate);
  else if (schedule == "exponential")
    CADENZA_CHECK(rate >= 0 && rate < 1, "{}: exponential sampling_rate {} should be in [0, 1)", model, rate);
  else if (schedule == "inverse_sigmoid")
    CADENZA_CHECK(rate >= 1, "{}: inverse_sigmoid sampling_rate {} should be >= 1", model, rate);
  else
    fail("{}: unknown sampling_schedule '{}' (known: constant, exponential, inverse_sigmoid)", model, schedule);
}

double sampling_probability(const std::string& schedule, double rate, int64_t step) {
  check_sampling_schedule(schedule, rate, "sampling_probability");
  if (schedule == "constant") return rate;
  if (schedule == "exponential") return 1.0 - std::pow(rate, double(step));
  // exp(step / rate) overflows to inf for long runs: the probability then tends to 1.
  return 1.0 - rate / (rate + std::exp(double(step) / rate));
}

std::vector<float> slerp(const std::vector<float>& p0, const std::vector<float>& p1, double t) {
  CADENZA_CHECK(p0.size() == p1.size(), "slerp: sizes {} and {} differ", p0.size(), p1.size());
  double dot = 0, n0 = 0, n1 = 0;
  for (size_t i = 0; i < p0.size(); ++i) {
    dot += double(p0[i]) * p1[i];
    n0 += double(p0[i]) * p0[i];
    n1 += double(p1[i]) * p1[i];
  }
  double c = (n0 > 0 && n1 > 0) ? std::clamp(dot / std::sqrt(n0 * n1), -1.0, 1.0) : 1.0;
  double omega = std::acos(c), so = std::sin(omega);
  double a = 1 - t, b = t;
  if (so > 1e-6) {
    a = std::sin((1 - t) * omega) / so;
    b = std::sin(t * omega) / so;
  }
  std::vector<float> out(p0.size());
  for (size_t i = 0; i < p0.size(); ++i) out[i] = float(a * p0[i] + b * p1[i]);
  return out;
}

}  // namespace cadenza::models::vae
