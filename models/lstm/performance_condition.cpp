#include "models/lstm/performance_condition.h"

#include <array>
#include <set>

#include "engine/error.h"
#include "models/common/config_read.h"
#include "music/repr/performance.h"

namespace cadenza::models {
namespace {

using music::repr::PerformanceTokenizer;
constexpr int64_t kDensityWindowSteps = 3 * PerformanceTokenizer::kStepsPerSecond;
constexpr int64_t kHistogramWindowSteps = 5 * PerformanceTokenizer::kStepsPerSecond;
constexpr std::array<double, kDensityBins - 1> kDensityEdges{1, 2, 4, 8, 16, 32, 64};
constexpr double kHistogramPrior = 0.01;
constexpr double kDefaultDensity = 15;  // Magenta's DEFAULT_NOTE_DENSITY

bool is_note_on(int32_t t) { return t >= PerformanceTokenizer::kNoteOn && t < PerformanceTokenizer::kNoteOff; }
bool is_note_off(int32_t t) { return t >= PerformanceTokenizer::kNoteOff && t < PerformanceTokenizer::kTimeShift; }
bool is_shift(int32_t t) { return t >= PerformanceTokenizer::kTimeShift && t < PerformanceTokenizer::kVelocity; }
int64_t shift_steps(int32_t t) { return t - PerformanceTokenizer::kTimeShift + 1; }

// Note-ons per second in the window starting at token i.
double density_at(std::span<const int32_t> tokens, size_t i) {
  int64_t offset = 0, count = 0;
  for (size_t j = i; j < tokens.size() && offset < kDensityWindowSteps; ++j) {
    if (is_note_on(tokens[j]))
      ++count;
    else if (is_shift(tokens[j]))
      offset += shift_steps(tokens[j]);
  }
  int64_t window = std::min(offset, kDensityWindowSteps);
  return window > 0 ? double(count) * PerformanceTokenizer::kStepsPerSecond / double(window) : 0.0;
}

// Normalised pitch-class durations in the window starting at token i, given the pitches
// sounding before it.
std::array<float, kPitchClasses> histogram_at(std::span<const int32_t> tokens, size_t i, std::set<int> active) {
  std::array<double, kPitchClasses> h;
  h.fill(kHistogramPrior);
  int64_t offset = 0;
  for (size_t j = i; j < tokens.size() && offset < kHistogramWindowSteps; ++j) {
    int32_t t = tokens[j];
    if (is_note_on(t))
      active.insert(t - PerformanceTokenizer::kNoteOn);
    else if (is_note_off(t))
      active.erase(t - PerformanceTokenizer::kNoteOff);
    else if (is_shift(t)) {
      for (int p : active)
        h[size_t(p % kPitchClasses)] += double(shift_steps(t)) / PerformanceTokenizer::kStepsPerSecond;
      offset += shift_steps(t);
    }
  }
  double total = 0;
  for (double v : h) total += v;
  std::array<float, kPitchClasses> out;
  for (size_t k = 0; k < out.size(); ++k) out[k] = float(h[k] / total);
  return out;
}

void put_density(float* row, double density) {
  std::fill(row, row + kDensityBins, 0.f);
  row[note_density_bin(density)] = 1.f;
}

}  // namespace

int64_t note_density_bin(double notes_per_second) {
  for (size_t i = 0; i < kDensityEdges.size(); ++i)
    if (notes_per_second < kDensityEdges[i]) return int64_t(i);
  return kDensityBins - 1;
}

PerformanceControls performance_controls(const nlohmann::json& model_config) {
  return {config_bool(model_config, "performance_rnn", "note_density", false),
          config_bool(model_config, "performance_rnn", "pitch_histogram", false)};
}

std::vector<float> performance_condition(std::span<const int32_t> tokens, const PerformanceControls& which) {
  const size_t C = size_t(which.size());
  std::vector<float> rows(tokens.size() * C);
  std::set<int> sounding;  // before the current token
  for (size_t i = 0; i < tokens.size(); ++i) {
    float* row = rows.data() + i * C;
    // The histogram window of token i starts with the pitches sounding after it.
    std::set<int> before = sounding;
    if (is_note_on(tokens[i])) sounding.insert(tokens[i] - PerformanceTokenizer::kNoteOn);
    if (is_note_off(tokens[i])) sounding.erase(tokens[i] - PerformanceTokenizer::kNoteOff);
    if (i > 0 && !is_shift(tokens[i - 1])) {  // no time passed: same controls
      std::copy(row - C, row, row);
      continue;
    }
    size_t at = 0;
    if (which.note_density) {
      put_density(row, density_at(tokens, i));
      at = kDensityBins;
    }
    if (which.pitch_histogram) {
      auto h = histogram_at(tokens, i, before);
      std::copy(h.begin(), h.end(), row + at);
    }
  }
  return rows;
}

std::vector<float> performance_control_row(const nlohmann::json& controls, const PerformanceControls& which) {
  CADENZA_CHECK(controls.is_object(), "performance_rnn: controls must be a JSON object, got {}", controls.dump());
  std::vector<float> row;
  if (which.note_density) {
    double d = kDefaultDensity;
    if (controls.contains("note_density")) {
      const auto& v = controls["note_density"];
      CADENZA_CHECK(v.is_number() && v.get<double>() >= 0,
                    "performance_rnn: control 'note_density' must be a number of notes per second >= 0, got {}",
                    v.dump());
      d = v.get<double>();
    }
    row.resize(kDensityBins);
    put_density(row.data(), d);
  }
  if (which.pitch_histogram) {
    std::vector<double> h(kPitchClasses, 1.0);
    if (controls.contains("pitch_histogram")) {
      const auto& v = controls["pitch_histogram"];
      bool ok = v.is_array() && v.size() == size_t(kPitchClasses);
      for (size_t k = 0; ok && k < v.size(); ++k) ok = v[k].is_number() && v[k].get<double>() >= 0;
      CADENZA_CHECK(ok, "performance_rnn: control 'pitch_histogram' must be 12 weights >= 0, got {}", v.dump());
      h = v.get<std::vector<double>>();
    }
    double total = 0;
    for (double x : h) total += x;
    // Magenta: an all-zero histogram becomes uniform.
    for (double x : h) row.push_back(float(total > 0 ? x / total : 1.0 / kPitchClasses));
  }
  return row;
}

}  // namespace cadenza::models
