// Hand-made Standard MIDI Files for tests: a header plus raw track bodies.
#pragma once

#include <cstdint>
#include <vector>

namespace cadenza::music::test {

using Bytes = std::vector<uint8_t>;

inline void put_be(Bytes& out, uint32_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// MThd(format, ntrks = bodies.size(), division) + one MTrk per body, lengths correct.
inline Bytes make_smf(uint16_t format, uint16_t division, const std::vector<Bytes>& bodies) {
  Bytes out{'M', 'T', 'h', 'd', 0, 0, 0, 6};
  put_be(out, format, 2);
  put_be(out, static_cast<uint32_t>(bodies.size()), 2);
  put_be(out, division, 2);
  for (const Bytes& body : bodies) {
    out.insert(out.end(), {'M', 'T', 'r', 'k'});
    put_be(out, static_cast<uint32_t>(body.size()), 4);
    out.insert(out.end(), body.begin(), body.end());
  }
  return out;
}

inline const Bytes kEndOfTrack{0x00, 0xFF, 0x2F, 0x00};

inline Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace cadenza::music::test
