// One thread setting governs both oneTBB and the GEMMs; OpenBLAS never adds threads of its own.
#include <cblas.h>
#include <tbb/global_control.h>
#include <catch2/catch.hpp>

#include "engine/cpu/parallel.h"

using namespace cadenza;

TEST_CASE("the thread count drives TBB and pins OpenBLAS to one thread", "[threads]") {
  int prev = cpu::num_threads();
  REQUIRE(prev >= 1);
  CHECK(openblas_get_num_threads() == 1);
  cpu::set_num_threads(1);
  CHECK(cpu::num_threads() == 1);
  CHECK(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism) == 1);
  cpu::set_num_threads(prev);
  CHECK(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism) == size_t(prev));
  CHECK(openblas_get_num_threads() == 1);
  CHECK_THROWS(cpu::set_num_threads(0));
}
