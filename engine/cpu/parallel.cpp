#include "engine/cpu/parallel.h"

#include <cblas.h>
#include <tbb/global_control.h>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/error.h"

namespace cadenza::cpu {
namespace {

struct Threads {
  int count = 0;
  std::unique_ptr<tbb::global_control> control;
};

Threads& threads() {
  static Threads* t = [] {
    auto* t = new Threads();
    int n = static_cast<int>(std::thread::hardware_concurrency());
    if (const char* env = std::getenv("CADENZA_THREADS")) {
      char* end = nullptr;
      long v = std::strtol(env, &end, 10);
      if (end == env || *end != '\0' || v < 1 || v > 1024)
        fail("CADENZA_THREADS must be a whole number from 1 to 1024, got '{}'", env);
      n = static_cast<int>(v);
    }
    t->count = n < 1 ? 1 : n;
    t->control = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, t->count);
    openblas_set_num_threads(1);
    return t;
  }();
  return *t;
}

}  // namespace

int num_threads() { return threads().count; }

void set_num_threads(int n) {
  CADENZA_CHECK(n >= 1, "set_num_threads: need at least one thread, got {}", n);
  Threads& t = threads();
  t.control.reset();
  t.control = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, n);
  t.count = n;
  openblas_set_num_threads(1);
}

}  // namespace cadenza::cpu
