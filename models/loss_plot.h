#pragma once
// The loss curve of a training run as a PNG: training loss and validation NLL against the
// step, with axes, grid lines and numeric tick labels (a built-in 3x5 pixel font, so no
// font library is needed).
#include <filesystem>
#include <vector>

namespace cadenza::models {

struct CurvePoint {
  double step, value;
};

// Non-finite values are skipped. Writes an empty frame when both curves are empty.
void write_loss_plot(const std::vector<CurvePoint>& train, const std::vector<CurvePoint>& valid,
                     const std::filesystem::path& path);

}  // namespace cadenza::models
