// Token batches streamed from a corpus store, the store's counterpart of
// dataset::TokenStream (same next() and batches), for a trainer given `--data STORE`.
// Memory is O(batch): the pieces stay in the mapped shards; the stream holds the piece
// order of its split (4 bytes a piece), a shuffle buffer of window positions (not
// tokens) and the batch being made.
//
// Per epoch: the split's pieces are shuffled; each piece is cut into windows of
// `window` tokens from a random offset in [0, window) (the part before it forms one
// short window, so no token is lost), as TokenStream does; windows enter a buffer of at
// most `shuffle_buffer` positions plus one piece's; each batch row is a window drawn from
// it at random. Deterministic from the seed. The tokens are already encoded, so there is
// no augmentation here.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "music/corpus/store.h"
#include "music/dataset/batch.h"
#include "music/dataset/rng.h"
#include "music/dataset/token_stream.h"

namespace cadenza::music::corpus {

class StoreStream {
 public:
  // The store must outlive the stream. max_transpose and tempo_jitter must be 0.
  StoreStream(const Store& store, dataset::Split split, dataset::TokenStreamConfig config);

  std::optional<dataset::TokenBatch> next();  // nullopt at the end of an epoch
  const dataset::TokenStreamStats& stats() const { return stats_; }
  size_t pieces() const { return pieces_.size(); }

 private:
  struct Window {
    uint32_t piece, start, length;
  };
  void refill();
  Window take_window();

  const Store& store_;
  dataset::TokenStreamConfig config_;
  dataset::Rng rng_;
  std::vector<uint32_t> pieces_, order_;
  size_t next_piece_ = 0;
  bool epoch_started_ = false;
  std::vector<Window> buffer_;
  dataset::TokenStreamStats stats_;
};

}  // namespace cadenza::music::corpus
