#include "music/corpus/piece_hash.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include "music/dataset/rng.h"

namespace cadenza::music::corpus {
namespace {

struct KeyedNote {
  int64_t start, end;
  uint8_t pitch, velocity;
  int16_t instrument;  // GM program, or -1 for drums
  auto key() const { return std::tie(start, pitch, end, velocity, instrument); }
};

// FNV-1a over the bytes of each value, finished with SplitMix64 so nearby inputs spread.
class Hasher {
 public:
  void add(uint64_t value) {
    for (int i = 0; i < 8; ++i) h_ = (h_ ^ ((value >> (8 * i)) & 0xFF)) * 0x100000001B3ull;
  }
  uint64_t value() const { return dataset::Rng(h_).next(); }

 private:
  uint64_t h_ = 0xCBF29CE484222325ull;
};

}  // namespace

uint64_t note_content_hash(const Score& score) {
  std::vector<KeyedNote> notes;
  notes.reserve(score.note_count());
  for (const Track& t : score.tracks) {
    const auto instrument = static_cast<int16_t>(t.is_drum ? -1 : t.program);
    for (const Note& n : t.notes) notes.push_back({n.start, n.end, n.pitch, n.velocity, instrument});
  }
  std::sort(notes.begin(), notes.end(), [](const KeyedNote& a, const KeyedNote& b) { return a.key() < b.key(); });
  Hasher h;
  h.add(static_cast<uint64_t>(score.ticks_per_quarter));
  h.add(notes.size());
  for (const KeyedNote& n : notes) {
    h.add(static_cast<uint64_t>(n.start));
    h.add(static_cast<uint64_t>(n.end));
    h.add(uint64_t{n.pitch} | uint64_t{n.velocity} << 8 | uint64_t{static_cast<uint16_t>(n.instrument)} << 16);
  }
  return h.value();
}

}  // namespace cadenza::music::corpus
