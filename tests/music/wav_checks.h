// What a WAV file written by render_wav (16-bit stereo PCM) holds, read back with every
// header field checked against the others and against the file's size.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace cadenza::music::test {

struct WavFacts {
  uint32_t sample_rate = 0;
  uint32_t frames = 0;
  std::vector<int16_t> samples;  // interleaved left, right

  double seconds() const { return double(frames) / sample_rate; }
  // Largest |sample| over frames [from, to).
  int peak(uint32_t from, uint32_t to) const {
    int p = 0;
    for (size_t i = 2 * size_t{from}; i < 2 * size_t{std::min(to, frames)}; ++i)
      p = std::max(p, std::abs(int{samples[i]}));
    return p;
  }
};

inline WavFacts read_wav(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  const std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(b.size() >= 44);
  auto le = [&](size_t at, int bytes) {
    uint32_t v = 0;
    for (int i = bytes; i-- > 0;) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
    return v;
  };
  CHECK(b.substr(0, 4) == "RIFF");
  CHECK(le(4, 4) == b.size() - 8);
  CHECK(b.substr(8, 8) == "WAVEfmt ");
  CHECK(le(16, 4) == 16);  // PCM fmt chunk
  CHECK(le(20, 2) == 1);   // PCM
  CHECK(le(22, 2) == 2);   // stereo
  WavFacts w;
  w.sample_rate = le(24, 4);
  CHECK(le(28, 4) == w.sample_rate * 4);  // bytes per second
  CHECK(le(32, 2) == 4);                  // bytes per frame
  CHECK(le(34, 2) == 16);                 // bits per sample
  CHECK(b.substr(36, 4) == "data");
  const uint32_t data = le(40, 4);
  REQUIRE(data == b.size() - 44);
  REQUIRE(data % 4 == 0);
  w.frames = data / 4;
  w.samples.resize(2 * size_t{w.frames});
  for (size_t i = 0; i < w.samples.size(); ++i) w.samples[i] = static_cast<int16_t>(le(44 + 2 * i, 2));
  return w;
}

}  // namespace cadenza::music::test
