#include "tools/compare_report.h"

#include <fmt/format.h>

#include <algorithm>

namespace cadenza::tools {
namespace {

namespace mm = music::metrics;

constexpr double kPer100 = 100.0;

// A histogram is shown by the bin the reference fills most: "note_length_hist[8th]".
size_t shown_bin(const mm::FeatureComparison& r) {
  if (r.feature.bins.empty()) return 0;
  return size_t(std::max_element(r.reference_mean.begin(), r.reference_mean.end()) - r.reference_mean.begin());
}

std::string shown_name(const mm::FeatureComparison& r) {
  return r.feature.bins.empty() ? r.feature.name : fmt::format("{}[{}]", r.feature.name, r.feature.bins[shown_bin(r)]);
}

std::string mean_sd(double mean, double sd) { return fmt::format("{:>9.4f} ± {:<8.4f}", mean, sd); }

nlohmann::json values(const std::vector<double>& v, bool histogram) {
  return histogram ? nlohmann::json(v) : nlohmann::json(v.at(0));
}

}  // namespace

std::string comparison_table(const CompareResult& result) {
  std::string out = fmt::format("{} vs the reference: {}\n", result.key, result.description);
  out +=
      fmt::format("{:<32} {:<14} {:^20} {:^20} {:>7} {:>8}\n", "feature", "unit", "reference", result.key, "OA", "KLD");
  for (const mm::FeatureComparison& r : result.rows) {
    const size_t b = shown_bin(r);
    out += fmt::format("{:<32} {:<14} {} {} {:>7.3f} {:>8.3f}\n", shown_name(r), r.feature.unit,
                       mean_sd(r.reference_mean[b], r.reference_sd[b]), mean_sd(r.set_mean[b], r.set_sd[b]),
                       r.distance.overlap, r.distance.kld);
  }
  const mm::SetComparison m = mm::mean_distance(result.rows);
  out += fmt::format("{:<32} {:<14} {:>20} {:>20} {:>7.3f} {:>8.3f}\n",
                     fmt::format("mean of {} features", result.rows.size()), "", "", "", m.overlap, m.kld);
  return out;
}

nlohmann::json comparison_json(const CompareResult& result) {
  nlohmann::json features = nlohmann::json::array();
  for (const mm::FeatureComparison& r : result.rows) {
    const bool histogram = !r.feature.bins.empty();
    nlohmann::json f = {
        {"name", r.feature.name},
        {"unit", r.feature.unit},
        {"reference", {{"mean", values(r.reference_mean, histogram)}, {"sd", values(r.reference_sd, histogram)}}},
        {"set", {{"mean", values(r.set_mean, histogram)}, {"sd", values(r.set_sd, histogram)}}},
        {"oa", r.distance.overlap},
        {"kld", r.distance.kld}};
    if (histogram) f["bins"] = r.feature.bins;
    features.push_back(std::move(f));
  }
  const mm::SetComparison m = mm::mean_distance(result.rows);
  return {{"description", result.description},
          {"pieces", result.pieces},
          {"mean_oa", m.overlap},
          {"mean_kld", m.kld},
          {"features", features}};
}

std::string voice_leading_table(const std::vector<std::pair<std::string, mm::VoiceLeading>>& sets) {
  std::string out = "voice leading, events per 100 beats of each voice pair (all: per pair, over the 6 pairs)\n";
  out += fmt::format("{:<12} {:<18}", "set", "");
  for (int p = 0; p < mm::kVoicePairs; ++p) out += fmt::format(" {:>7}", mm::voice_pair_name(p));
  out += fmt::format(" {:>7}\n", "all");
  for (const auto& set : sets) {
    const mm::VoiceLeading& v = set.second;
    const auto row = [&](const std::string& label, const char* what, int64_t mm::VoicePairCounts::*count) {
      std::string line = fmt::format("{:<12} {:<18}", label, what);
      for (const mm::VoicePairCounts& c : v.pairs)
        line += fmt::format(" {:>7.3f}", kPer100 * mm::per_pair_beat(c.*count, v.beats));
      return line + fmt::format(" {:>7.3f}\n", kPer100 * mm::per_pair_beat(v.total().*count, v.beats, mm::kVoicePairs));
    };
    out += row(set.first, "parallel fifths", &mm::VoicePairCounts::parallel_fifths);
    out += row("", "parallel octaves", &mm::VoicePairCounts::parallel_octaves);
    out += row("", "crossings", &mm::VoicePairCounts::crossings);
  }
  return out;
}

nlohmann::json voice_leading_json(const mm::VoiceLeading& v) {
  const auto counts = [&](const mm::VoicePairCounts& c, int pairs) {
    return nlohmann::json{{"parallel_fifths", c.parallel_fifths},
                          {"parallel_octaves", c.parallel_octaves},
                          {"crossings", c.crossings},
                          {"parallel_fifths_per_beat", mm::per_pair_beat(c.parallel_fifths, v.beats, pairs)},
                          {"parallel_octaves_per_beat", mm::per_pair_beat(c.parallel_octaves, v.beats, pairs)},
                          {"crossings_per_beat", mm::per_pair_beat(c.crossings, v.beats, pairs)}};
  };
  nlohmann::json pairs = nlohmann::json::object();
  for (int p = 0; p < mm::kVoicePairs; ++p) pairs[mm::voice_pair_name(p)] = counts(v.pairs[size_t(p)], 1);
  return {{"beats", v.beats}, {"pairs", pairs}, {"all_pairs", counts(v.total(), mm::kVoicePairs)}};
}

}  // namespace cadenza::tools
