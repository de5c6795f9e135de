#include "live/output_shaper.h"

#include <algorithm>
#include <cmath>

namespace cadenza::live {

int snap_to_key(int pitch, int key) {
  if (key < 0) return pitch;
  // The semitones off the major scale (1, 3, 6, 8, 10 above the tonic) each have a scale
  // note one below.
  static constexpr std::array<bool, 12> in_scale{true,  false, true,  false, true,  true,
                                                 false, true,  false, true,  false, true};
  const int degree = ((pitch - key) % 12 + 12) % 12;
  return in_scale[size_t(degree)] || pitch == 0 ? pitch : pitch - 1;
}

void OutputShaper::reset() {
  sent_as_.fill(0);
  sounding_.fill(0);
  onsets_.clear();
  sounding_count_ = 0;
}

bool OutputShaper::shape(GenEvent& e, double time, int key, double density) {
  const size_t from = e.pitch & 127;
  if (!e.on) {
    if (!sent_as_[from]) return false;  // its note-on was dropped
    e.pitch = uint8_t(sent_as_[from] - 1);
    sent_as_[from] = 0;
    sounding_[e.pitch] = 0;
    --sounding_count_;
    return true;
  }
  if (sent_as_[from]) return false;  // already sounding as generated (a stream re-strikes after its note-off)
  while (!onsets_.empty() && onsets_.front() <= time - 1.0) onsets_.pop_front();
  if (double(onsets_.size()) >= std::max(1.0, std::ceil(density))) return false;
  const int to = snap_to_key(int(from), key);
  if (sounding_[size_t(to)]) return false;  // another generated pitch snapped onto a sounding key
  e.pitch = uint8_t(to);
  e.velocity = uint8_t(std::clamp<int>(e.velocity, 1, 127));
  sent_as_[from] = int16_t(to + 1);
  sounding_[size_t(to)] = 1;
  ++sounding_count_;
  onsets_.push_back(time);
  return true;
}

std::vector<GenEvent> OutputShaper::release_all(double time) {
  std::vector<GenEvent> out;
  for (int p = 0; p < 128; ++p)
    if (sounding_[size_t(p)]) out.push_back({time, false, uint8_t(p), 0});
  sent_as_.fill(0);
  sounding_.fill(0);
  sounding_count_ = 0;
  return out;
}

}  // namespace cadenza::live
