#include "models/metrics_log.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/error.h"
#include "engine/serialize/atomic_file.h"

namespace cadenza::models {
namespace {

constexpr const char* kHeader = "step,train_loss,valid_nll,lr,tokens_per_s,seconds";

// The shortest text that reads back as the same double, so a resumed run compares new
// validations with the exact best (models/early_stopping.h).
std::string cell(double v) { return std::isfinite(v) ? fmt::format("{}", v) : ""; }

std::string csv_line(const MetricsRow& r) {
  return fmt::format("{},{},{},{},{},{}\n", r.step, cell(r.train_loss), cell(r.valid_nll), cell(r.lr),
                     cell(r.tokens_per_s), cell(r.seconds));
}

double parse_cell(const std::string& s) { return s.empty() ? NAN : std::stod(s); }

}  // namespace

std::vector<MetricsRow> MetricsLog::read(const std::filesystem::path& path) {
  std::vector<MetricsRow> rows;
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return rows;
  CADENZA_CHECK(line == kHeader, "{}: unexpected header '{}'", path.string(), line);
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    if (line.ends_with(',')) cells.emplace_back();
    if (cells.size() != 6) continue;  // a torn last line of a killed run
    try {
      rows.push_back({std::stoll(cells[0]), parse_cell(cells[1]), parse_cell(cells[2]), parse_cell(cells[3]),
                      parse_cell(cells[4]), parse_cell(cells[5])});
    } catch (const std::exception&) {
      // same: skip what a crash left half-written
    }
  }
  return rows;
}

MetricsLog::MetricsLog(std::filesystem::path path, int64_t keep_until) : path_(std::move(path)) {
  if (keep_until >= 0)
    for (const MetricsRow& r : read(path_))
      if (r.step <= keep_until) rows_.push_back(r);
  std::string text = std::string(kHeader) + "\n";
  for (const MetricsRow& r : rows_) text += csv_line(r);
  serialize::write_file_atomic(path_, text);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  CADENZA_CHECK(fd_ >= 0, "cannot append to {}: {}", path_.string(), std::strerror(errno));
}

MetricsLog::~MetricsLog() {
  if (fd_ >= 0) ::close(fd_);
}

void MetricsLog::append(const MetricsRow& r) {
  rows_.push_back(r);
  const std::string line = csv_line(r);
  ssize_t n;
  do n = ::write(fd_, line.data(), line.size());
  while (n < 0 && errno == EINTR);
  CADENZA_CHECK(n == static_cast<ssize_t>(line.size()), "error appending to {}: {}", path_.string(),
                n < 0 ? std::strerror(errno) : "short write");
}

std::vector<CurvePoint> MetricsLog::train_curve() const {
  std::vector<CurvePoint> c;
  for (const MetricsRow& r : rows_)
    if (std::isfinite(r.train_loss)) c.push_back({static_cast<double>(r.step), r.train_loss});
  return c;
}

std::vector<CurvePoint> MetricsLog::valid_curve() const {
  std::vector<CurvePoint> c;
  for (const MetricsRow& r : rows_)
    if (std::isfinite(r.valid_nll)) c.push_back({static_cast<double>(r.step), r.valid_nll});
  return c;
}

}  // namespace cadenza::models
