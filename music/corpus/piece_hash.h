// The identity of a piece for deduplication and splits: a 64-bit hash of its note content
// (the resolution, and the multiset of its notes: start, end, pitch, velocity and
// instrument of each), so the same music under another file name, track order or track
// names is the same piece, and any change to a note makes another one.
#pragma once

#include <cstdint>

#include "music/score/score.h"

namespace cadenza::music::corpus {

uint64_t note_content_hash(const Score& score);

}  // namespace cadenza::music::corpus
