#pragma once
// DIR/metrics.csv of a training run: one row per logged step,
//   step,train_loss,valid_nll,lr,tokens_per_s,seconds
// (valid_nll empty except at validation steps; train_loss is the mean over the steps since
// the previous row; seconds is the run's wall time, summed over resumptions). On resume the
// rows after the checkpoint's step are dropped, since those steps run again.
// Nothing is lost on a kill: the file is first replaced atomically (header and kept rows),
// then each row is appended by one write(2) to a file opened O_APPEND, so the file holds
// whole rows, plus at worst a torn last one, which read() leaves out.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "models/loss_plot.h"

namespace cadenza::models {

struct MetricsRow {
  int64_t step = 0;
  double train_loss = NAN, valid_nll = NAN, lr = NAN, tokens_per_s = NAN, seconds = 0;
};

class MetricsLog {
 public:
  // Keeps the existing rows with step <= keep_until (none when keep_until < 0).
  MetricsLog(std::filesystem::path path, int64_t keep_until);
  ~MetricsLog();
  MetricsLog(const MetricsLog&) = delete;
  MetricsLog& operator=(const MetricsLog&) = delete;
  void append(const MetricsRow& row);  // written and flushed at once
  const std::vector<MetricsRow>& rows() const { return rows_; }
  double last_seconds() const { return rows_.empty() ? 0 : rows_.back().seconds; }
  // The curves for write_loss_plot.
  std::vector<CurvePoint> train_curve() const;
  std::vector<CurvePoint> valid_curve() const;

  static std::vector<MetricsRow> read(const std::filesystem::path& path);

 private:
  std::filesystem::path path_;
  std::vector<MetricsRow> rows_;
  int fd_ = -1;  // O_APPEND
};

}  // namespace cadenza::models
