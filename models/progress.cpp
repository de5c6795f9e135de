#include "models/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace cadenza::models {

Progress::Progress(std::FILE* out, int64_t first_step, int64_t total_steps, int64_t every)
    : out_(out),
      tty_(out && isatty(fileno(out))),
      first_step_(first_step),
      total_(total_steps),
      every_(every),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
  if (bar_shown_) std::fputc('\n', out_);
}

std::string Progress::duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const auto t = static_cast<int64_t>(std::lround(s));
  if (t < 60) return fmt::format("{}s", t);
  if (t < 3600) return fmt::format("{}m{:02}s", t / 60, t % 60);
  return fmt::format("{}h{:02}m", t / 3600, t % 3600 / 60);
}

void Progress::update(int64_t step, double loss, double tokens_per_s) {
  if (!out_) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double done = static_cast<double>(step - first_step_);
  const double eta = done > 0 ? elapsed / done * static_cast<double>(total_ - step) : NAN;
  const std::string stats =
      fmt::format("step {}/{}  loss {:.4f}  {:.0f} tok/s  ETA {}", step, total_, loss, tokens_per_s, duration(eta));
  if (tty_) {
    constexpr int kBar = 24;
    const int filled = static_cast<int>(kBar * std::clamp(static_cast<double>(step) / total_, 0.0, 1.0));
    fmt::print(out_, "\r\033[K[{}{}] {}", std::string(filled, '#'), std::string(kBar - filled, '.'), stats);
    bar_shown_ = true;
  } else if (step % every_ == 0 || step == total_) {
    fmt::print(out_, "{}\n", stats);
  }
  std::fflush(out_);
}

void Progress::clear_bar() {
  if (bar_shown_) std::fputs("\r\033[K", out_);
  bar_shown_ = false;
}

void Progress::message(const std::string& text) {
  if (!out_) return;
  clear_bar();
  fmt::print(out_, "{}\n", text);
  std::fflush(out_);
}

}  // namespace cadenza::models
