#include "music/corpus/piece_hash.h"

namespace cadenza::music::corpus {
namespace {

// MurmurHash3's 64-bit finalizer: every input bit reaches every output bit.
uint64_t fmix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xFF51AFD7ED558CCDull;
  k ^= k >> 33;
  k *= 0xC4CEB9FE1A85EC53ull;
  return k ^ (k >> 33);
}

// One note, with its instrument (GM program, or 128 for drums), as a 64-bit hash.
uint64_t note_hash(const Note& n, uint64_t instrument) {
  uint64_t h = fmix(static_cast<uint64_t>(n.start) + 0x9E3779B97F4A7C15ull);
  h = fmix(h ^ static_cast<uint64_t>(n.end));
  return fmix(h ^ (uint64_t{n.pitch} | uint64_t{n.velocity} << 8 | instrument << 16));
}

}  // namespace

// The notes form a multiset: the sum of a strong hash of each note does not depend on the
// order of tracks or of simultaneous notes, and needs no sort (which cost more than the
// rest of the hash together).
uint64_t note_content_hash(const Score& score) {
  uint64_t sum = 0, count = 0;
  for (const Track& t : score.tracks) {
    const uint64_t instrument = t.is_drum ? 128 : static_cast<uint64_t>(t.program & 0x7F);
    for (const Note& n : t.notes) sum += note_hash(n, instrument);
    count += t.notes.size();
  }
  return fmix(fmix(sum ^ static_cast<uint64_t>(score.ticks_per_quarter)) + count);
}

}  // namespace cadenza::music::corpus
