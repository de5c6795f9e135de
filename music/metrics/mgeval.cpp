#include "music/metrics/mgeval.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace cadenza::music::metrics {
namespace {

constexpr int kGridPoints = 1000;

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double kde_with(const std::vector<double>& samples, double h, double x) {
  double sum = 0;
  for (double s : samples) {
    const double z = (x - s) / h;
    sum += std::exp(-0.5 * z * z);
  }
  return sum / (static_cast<double>(samples.size()) * h * std::sqrt(2.0 * std::numbers::pi));
}

// OA and KLD integrated together over a grid covering both samples' supports (trapezoid
// rule): the densities, the costly part, are evaluated once per grid point.
SetComparison integrate_both(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.empty() || b.empty()) throw std::invalid_argument("metric: empty sample");
  static constexpr double eps = 1e-12;  // keeps log finite where a density underflows
  const double ha = silverman_bandwidth(a), hb = silverman_bandwidth(b);
  const double pad = 3.0 * std::max(ha, hb);
  const double lo = std::min(*std::min_element(a.begin(), a.end()), *std::min_element(b.begin(), b.end())) - pad;
  const double hi = std::max(*std::max_element(a.begin(), a.end()), *std::max_element(b.begin(), b.end())) + pad;
  const double dx = (hi - lo) / (kGridPoints - 1);
  double overlap = 0, kld = 0;
  for (int i = 0; i < kGridPoints; ++i) {
    const double x = lo + i * dx;
    const double w = (i == 0 || i == kGridPoints - 1) ? 0.5 : 1.0;
    const double p = kde_with(a, ha, x), q = kde_with(b, hb, x);
    overlap += w * std::min(p, q);
    if (p > eps) kld += w * p * std::log(p / std::max(q, eps));
  }
  return {std::min(1.0, overlap * dx), std::max(0.0, kld * dx)};
}

void check_sizes(size_t reference, size_t generated) {
  if (reference < 2 || generated == 0)
    throw std::invalid_argument("set comparison: needs >= 2 reference and >= 1 generated values");
}

// Intra-set distances of the reference and inter-set distances to the generated set,
// under `distance`, compared as densities.
template <class T, class D>
SetComparison compare_by(const std::vector<T>& reference, const std::vector<T>& generated, D distance) {
  check_sizes(reference.size(), generated.size());
  std::vector<double> intra, inter;
  intra.reserve(reference.size() * (reference.size() - 1) / 2);
  inter.reserve(reference.size() * generated.size());
  for (size_t i = 0; i < reference.size(); ++i) {
    for (size_t j = i + 1; j < reference.size(); ++j) intra.push_back(distance(reference[i], reference[j]));
    for (const T& g : generated) inter.push_back(distance(reference[i], g));
  }
  return integrate_both(intra, inter);
}

}  // namespace

double silverman_bandwidth(const std::vector<double>& samples) {
  if (samples.empty()) throw std::invalid_argument("metric: empty sample");
  const double m = mean_of(samples);
  double var = 0;
  for (double x : samples) var += (x - m) * (x - m);
  const double sigma = samples.size() > 1 ? std::sqrt(var / static_cast<double>(samples.size() - 1)) : 0.0;
  const double h = 1.06 * sigma * std::pow(static_cast<double>(samples.size()), -0.2);
  return h > 1e-3 ? h : 1e-3;
}

double kde(const std::vector<double>& samples, double x) { return kde_with(samples, silverman_bandwidth(samples), x); }

double overlap_area(const std::vector<double>& a, const std::vector<double>& b) { return integrate_both(a, b).overlap; }

double kl_divergence(const std::vector<double>& a, const std::vector<double>& b) { return integrate_both(a, b).kld; }

SetComparison compare_feature(const std::vector<double>& reference, const std::vector<double>& generated) {
  return compare_by(reference, generated, [](double x, double y) { return std::abs(x - y); });
}

SetComparison compare_vectors(const std::vector<std::vector<double>>& reference,
                              const std::vector<std::vector<double>>& generated) {
  return compare_by(reference, generated, [](const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size()) throw std::invalid_argument("set comparison: vectors of different lengths");
    double d2 = 0;
    for (size_t k = 0; k < x.size(); ++k) d2 += (x[k] - y[k]) * (x[k] - y[k]);
    return std::sqrt(d2);
  });
}

}  // namespace cadenza::music::metrics
