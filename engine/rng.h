#pragma once
// Counter-based random numbers (Philox 4x32-10, Salmon et al. 2011). A draw of n numbers
// takes counters [offset, offset + blocks) under the key `seed`, and element i depends only
// on (seed, offset, i): any backend, any thread count and any order give the same numbers,
// and a run is reproduced from (seed, offset) alone.
#include <array>
#include <cstdint>
#include <mutex>

namespace cadenza {

using PhiloxBlock = std::array<uint32_t, 4>;

// One Philox4x32-10 block for a 64-bit counter and key (the upper counter words are the
// stream's sub-sequence, zero here).
PhiloxBlock philox(uint64_t counter, uint64_t key);

// Uniform in [0, 1) with 24 random bits (exact in f32).
inline float uniform_from_bits(uint32_t x) { return static_cast<float>(x >> 8) * 0x1.0p-24f; }

struct GeneratorState {
  uint64_t seed = 0;
  uint64_t offset = 0;
};

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : state_{seed, 0} {}
  // Reserves `blocks` Philox blocks and returns the first counter of the range.
  uint64_t reserve(uint64_t blocks);
  uint64_t seed() const { return state_.seed; }
  GeneratorState state() const;
  void set_state(GeneratorState s);
  void manual_seed(uint64_t seed);

 private:
  mutable std::mutex mu_;
  GeneratorState state_;
};

// The process-wide generator used when an op is not given one.
Generator& default_generator();
void manual_seed(uint64_t seed);

}  // namespace cadenza
