#pragma once
// Counts heap allocations made by the calling thread while a CountAllocations is alive:
// malloc, calloc, realloc, aligned allocations and so operator new. Without sanitizers the
// test program interposes malloc itself (forwarding to glibc's); under AddressSanitizer,
// which owns malloc, it installs the sanitizer's allocation hook instead.
#include <cstdint>

namespace cadenza::test {

class CountAllocations {
 public:
  CountAllocations();
  ~CountAllocations();
  CountAllocations(const CountAllocations&) = delete;
  CountAllocations& operator=(const CountAllocations&) = delete;
  uint64_t count() const;
};

}  // namespace cadenza::test
