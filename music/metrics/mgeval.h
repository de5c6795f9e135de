// MGEval-style comparison of a generated set with a reference set (Yang & Lerch, "On the
// evaluation of generative models in music", Neural Computing and Applications 2018;
// github.com/RichardYang40148/mgeval). For one scalar feature per piece:
//   intra-set distances: |x_i - x_j| for all pairs i < j of the reference set,
//   inter-set distances: |x_i - y_j| for every reference x_i and generated y_j,
// each smoothed by a Gaussian kernel density estimate (Silverman's bandwidth), then
//   OA  = integral of min(p_intra, p_inter) dx, in [0, 1] (1 = same distribution),
//   KLD = integral of p_intra log(p_intra / p_inter) dx, in nats (>= 0),
// both by the trapezoid rule on 1000 points spanning both supports plus 3 bandwidths.
#pragma once

#include <vector>

namespace cadenza::music::metrics {

// Gaussian KDE of `samples` at `x`, bandwidth h = 1.06 sigma n^(-1/5) (Silverman's rule
// of thumb; a degenerate sample gets h = 1e-3 so the density stays finite).
double kde(const std::vector<double>& samples, double x);
double silverman_bandwidth(const std::vector<double>& samples);

// OA and KLD between the densities of two samples.
double overlap_area(const std::vector<double>& a, const std::vector<double>& b);
double kl_divergence(const std::vector<double>& a, const std::vector<double>& b);

struct SetComparison {
  double overlap = 0;  // OA of intra(reference) vs inter(reference, generated)
  double kld = 0;      // KLD of the same pair, in nats
};

// Needs >= 2 reference and >= 1 generated values.
SetComparison compare_feature(const std::vector<double>& reference, const std::vector<double>& generated);

// The same for a vector per piece (a histogram, as MGEval's note-length and pitch-class
// histograms): the distances are Euclidean. All vectors have one length.
SetComparison compare_vectors(const std::vector<std::vector<double>>& reference,
                              const std::vector<std::vector<double>>& generated);

}  // namespace cadenza::music::metrics
