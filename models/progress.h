#pragma once
// Training progress on a terminal: one line redrawn in place (a bar, step, loss,
// tokens/s, ETA) when the stream is a TTY, plain log lines every `every` steps otherwise
// (logs and CI). Messages (validation, checkpoints) go on lines of their own.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace cadenza::models {

class Progress {
 public:
  Progress(std::FILE* out, int64_t first_step, int64_t total_steps, int64_t every);
  ~Progress();
  void update(int64_t step, double loss, double tokens_per_s);
  void message(const std::string& text);  // one line, not overwritten by the bar
  bool is_tty() const { return tty_; }

  static std::string duration(double seconds);  // "42s", "3m05s", "1h02m"

 private:
  void clear_bar();

  std::FILE* out_;
  bool tty_;
  int64_t first_step_, total_, every_;
  std::chrono::steady_clock::time_point start_;
  bool bar_shown_ = false;
};

}  // namespace cadenza::models
