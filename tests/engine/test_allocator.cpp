#include <catch2/catch.hpp>

#include "engine/cpu/allocator.h"
#include "ops/ops.h"

using namespace cadenza;

TEST_CASE("size classes bound waste and align to 64 bytes", "[allocator]") {
  for (size_t n : {1ul, 63ul, 64ul, 65ul, 4095ul, 4097ul, 100000ul, 12345678ul}) {
    size_t c = cpu::size_class(n);
    CHECK(c >= n);
    CHECK(c % 64 == 0);
    CHECK(double(c) <= std::max(double(n) + 63.0, double(n) * 1.126));
  }
}

TEST_CASE("freed blocks are reused instead of asking the OS", "[allocator]") {
  { Tensor warm = Tensor::zeros({1000, 37}); }
  auto before = cpu::allocator_stats();
  for (int i = 0; i < 10; ++i) {
    Tensor t = Tensor::zeros({1000, 37});
  }
  auto after = cpu::allocator_stats();
  CHECK(after.os_allocations == before.os_allocations);
  CHECK(after.cache_hits >= before.cache_hits + 10);
}

TEST_CASE("tensor storage is 64-byte aligned", "[allocator]") {
  Tensor t = Tensor::zeros({17});
  CHECK(reinterpret_cast<uintptr_t>(t.raw_data()) % 64 == 0);
}
