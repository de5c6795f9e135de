#pragma once
// Memory growth of a workload above its process's baseline, measured as the Python peers
// do (bench/models/peer_measure.py): the baseline is VmRSS (/proc/self/status) once the
// model is built; writing "5" to /proc/self/clear_refs then resets VmHWM to the current
// VmRSS, so VmHWM read after the reps is the workload's own peak. Where the reset is
// refused the peak falls back to ru_maxrss, the whole process's peak, which then includes
// construction (the report says which).
#include <sys/resource.h>
#include <cstdio>
#include <cstring>
#include <string>

namespace cadenza::bench {

inline double status_mb(const char* field) {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  double kb = 0;
  const size_t n = std::strlen(field);
  while (std::fgets(line, sizeof line, f))
    if (!std::strncmp(line, field, n) && line[n] == ':') kb = std::atof(line + n + 1);
  std::fclose(f);
  return kb / 1024.0;
}

struct PeakMemory {
  double baseline_mb = status_mb("VmRSS");
  bool reset = [] {
    FILE* f = std::fopen("/proc/self/clear_refs", "w");
    const bool ok = f && std::fputs("5", f) >= 0;
    return f && std::fclose(f) == 0 && ok;
  }();

  double peak_mb() const {
    if (reset) return status_mb("VmHWM");
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;  // kB on Linux
  }
  std::string method() const { return reset ? "VmHWM reset through clear_refs" : "ru_maxrss (no VmHWM reset)"; }
};

}  // namespace cadenza::bench
