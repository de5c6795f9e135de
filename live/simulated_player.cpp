#include "live/simulated_player.h"

#include <algorithm>
#include <array>

namespace cadenza::live {

namespace {
constexpr std::array<int, 11> kPentatonic{55, 57, 60, 62, 64, 67, 69, 72, 74, 76, 79};
}

SimulatedPlayer::SimulatedPlayer(double sample_rate, uint64_t seed)
    : sample_rate_(sample_rate), state_(seed * 6364136223846793005ull + 1442695040888963407ull) {}

uint32_t SimulatedPlayer::random(uint32_t below) {
  state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;  // Knuth's MMIX LCG
  return uint32_t(state_ >> 33) % below;
}

void SimulatedPlayer::advance(uint8_t* bytes) {
  auto ms = [this](uint32_t lo, uint32_t hi) {
    return int64_t(double(lo + random(hi - lo + 1)) * 1e-3 * sample_rate_);
  };
  if (sounding_) {
    bytes[0] = 0x80, bytes[1] = uint8_t(pitch_), bytes[2] = 0;
    sounding_ = false;
    // The next note of the phrase follows at once; after the last, a silence.
    next_ += left_ > 0 ? 0 : ms(300, 3000);
    return;
  }
  if (left_ == 0) {
    left_ = 3 + int(random(6));
    ++phrases_;
  }
  // A walk of at most two scale steps, kept in range.
  size_t at = 0;
  for (size_t i = 0; i < kPentatonic.size(); ++i)
    if (kPentatonic[i] <= pitch_) at = i;
  const int step = int(random(5)) - 2;
  at = size_t(std::min<int>(int(kPentatonic.size()) - 1, std::max(0, int(at) + step)));
  pitch_ = kPentatonic[at];
  bytes[0] = 0x90, bytes[1] = uint8_t(pitch_), bytes[2] = uint8_t(60 + random(50));
  sounding_ = true;
  --left_;
  ++notes_;
  next_ += ms(120, 300);
}

}  // namespace cadenza::live
