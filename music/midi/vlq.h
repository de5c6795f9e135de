// Variable-length quantities (SMF 1.0): 7 bits per byte, most significant first, high
// bit set on every byte but the last; at most 4 bytes (values < 2^28).
#pragma once

#include <cstdint>
#include <vector>

namespace cadenza::music::midi {

inline constexpr uint32_t kMaxVlq = 0x0FFFFFFF;

inline void append_vlq(std::vector<uint8_t>& out, uint32_t value) {
  uint8_t buffer[4];
  int n = 0;
  do {
    buffer[n++] = static_cast<uint8_t>(value & 0x7F);
    value >>= 7;
  } while (value != 0 && n < 4);
  while (n > 1) out.push_back(buffer[--n] | 0x80);
  out.push_back(buffer[0]);
}

inline void append_be(std::vector<uint8_t>& out, uint32_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

}  // namespace cadenza::music::midi
