// Token batches streamed from a folder of MIDI files, so that a corpus larger than
// memory trains: only the file being read and a bounded shuffle buffer of windows are
// held. Deterministic from the seed: the same files, config and seed give the same
// batches in the same order.
//
// Per epoch: the file order is shuffled; each file is read (lenient; unreadable files
// are skipped, counted and reported through a SkippedFiles, which may refuse them), augmented (random transposition
// within pitch range, random tempo factor), encoded, and cut into windows of `window` tokens starting at a random
// offset in [0, window) — the part before it forms one short window too, so no token is lost. Windows enter a buffer
// that is refilled, one file at a time, up to `shuffle_buffer` windows (so it holds at most that plus one file's
// windows); each batch row is a window drawn from it at random. Batches are full except the last of an epoch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "music/dataset/batch.h"
#include "music/dataset/rng.h"
#include "music/dataset/skipped_files.h"
#include "music/repr/tokenizer.h"

namespace cadenza::music::dataset {

struct TokenStreamConfig {
  int64_t batch_size = 8;
  int64_t window = 512;
  size_t shuffle_buffer = 256;  // windows held at most
  int max_transpose = 0;        // semitones either way; 0 = off
  double tempo_jitter = 0.0;    // factor drawn from [1 - j, 1 + j]; 0 = off
  int32_t pad_id = 0;
  uint64_t seed = 0;
};

struct TokenStreamStats {
  size_t files_read = 0;
  size_t files_skipped = 0;  // unreadable or too long to encode
  size_t windows = 0;
  size_t tokens = 0;        // real (unpadded) tokens delivered
  size_t max_buffered = 0;  // most windows held at once
};

class TokenStream {
 public:
  // `skipped` (kept by the caller; optional) hears of every file left out.
  TokenStream(std::vector<std::filesystem::path> files, const repr::Tokenizer& tokenizer, TokenStreamConfig config,
              SkippedFiles* skipped = nullptr);

  // The next batch of this epoch, or nullopt when the epoch is over (the next call
  // starts a new epoch with a new file order).
  std::optional<TokenBatch> next();
  const TokenStreamStats& stats() const { return stats_; }

 private:
  bool refill();  // reads files until the buffer is full; false when no file is left
  std::vector<int32_t> take_window();

  std::vector<std::filesystem::path> files_;
  const repr::Tokenizer& tokenizer_;
  TokenStreamConfig config_;
  Rng rng_;
  std::vector<std::filesystem::path> order_;
  size_t next_file_ = 0;
  bool epoch_started_ = false;
  std::vector<std::vector<int32_t>> buffer_;
  TokenStreamStats stats_;
  SkippedFiles* skipped_;
};

}  // namespace cadenza::music::dataset
