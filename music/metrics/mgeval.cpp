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

// Integrates f over a grid covering both samples' supports (trapezoid rule).
template <class F>
double integrate(const std::vector<double>& a, const std::vector<double>& b, F f) {
  if (a.empty() || b.empty()) throw std::invalid_argument("metric: empty sample");
  const double pad = 3.0 * std::max(silverman_bandwidth(a), silverman_bandwidth(b));
  const double lo = std::min(*std::min_element(a.begin(), a.end()), *std::min_element(b.begin(), b.end())) - pad;
  const double hi = std::max(*std::max_element(a.begin(), a.end()), *std::max_element(b.begin(), b.end())) + pad;
  const double dx = (hi - lo) / (kGridPoints - 1);
  double total = 0;
  for (int i = 0; i < kGridPoints; ++i) {
    const double x = lo + i * dx;
    const double w = (i == 0 || i == kGridPoints - 1) ? 0.5 : 1.0;
    total += w * f(kde(a, x), kde(b, x));
  }
  return total * dx;
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

double kde(const std::vector<double>& samples, double x) {
  const double h = silverman_bandwidth(samples);
  double sum = 0;
  for (double s : samples) {
    const double z = (x - s) / h;
    sum += std::exp(-0.5 * z * z);
  }
  return sum / (static_cast<double>(samples.size()) * h * std::sqrt(2.0 * std::numbers::pi));
}

double overlap_area(const std::vector<double>& a, const std::vector<double>& b) {
  return std::min(1.0, integrate(a, b, [](double p, double q) { return std::min(p, q); }));
}

double kl_divergence(const std::vector<double>& a, const std::vector<double>& b) {
  static constexpr double eps = 1e-12;  // keeps log finite where a density underflows
  return std::max(
      0.0, integrate(a, b, [](double p, double q) { return p > eps ? p * std::log(p / std::max(q, eps)) : 0.0; }));
}

SetComparison compare_feature(const std::vector<double>& reference, const std::vector<double>& generated) {
  if (reference.size() < 2 || generated.empty())
    throw std::invalid_argument("set comparison: needs >= 2 reference and >= 1 generated values");
  std::vector<double> intra, inter;
  for (size_t i = 0; i < reference.size(); ++i) {
    for (size_t j = i + 1; j < reference.size(); ++j) intra.push_back(std::abs(reference[i] - reference[j]));
    for (double g : generated) inter.push_back(std::abs(reference[i] - g));
  }
  return {overlap_area(intra, inter), kl_divergence(intra, inter)};
}

}  // namespace cadenza::music::metrics
