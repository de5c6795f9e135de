#include "music/corpus/store_stream.h"

#include <algorithm>
#include <stdexcept>

namespace cadenza::music::corpus {

StoreStream::StoreStream(const Store& store, dataset::Split split, dataset::TokenStreamConfig config)
    : store_(store), config_(config), rng_(config.seed), pieces_(store.pieces_of(split)) {
  if (config_.batch_size < 1 || config_.window < 1 || config_.shuffle_buffer < 1)
    throw std::invalid_argument("store stream: batch_size, window and shuffle_buffer must be positive");
  if (config_.max_transpose != 0 || config_.tempo_jitter != 0.0)
    throw std::invalid_argument("store stream: a store holds encoded tokens; augmentation needs the MIDI files");
}

void StoreStream::refill() {
  const auto w = static_cast<uint32_t>(config_.window);
  while (buffer_.size() < config_.shuffle_buffer && next_piece_ < order_.size()) {
    const uint32_t piece = order_[next_piece_++];
    const uint32_t n = store_.length(piece);
    ++stats_.files_read;
    uint32_t start = n > w ? static_cast<uint32_t>(rng_.below(w)) : 0;
    if (start > 0) buffer_.push_back({piece, 0, start});
    for (; start < n; start += std::min(w, n - start)) buffer_.push_back({piece, start, std::min(w, n - start)});
    stats_.max_buffered = std::max(stats_.max_buffered, buffer_.size());
  }
}

StoreStream::Window StoreStream::take_window() {
  const size_t i = rng_.below(buffer_.size());
  std::swap(buffer_[i], buffer_.back());
  const Window w = buffer_.back();
  buffer_.pop_back();
  return w;
}

std::optional<dataset::TokenBatch> StoreStream::next() {
  if (!epoch_started_) {
    order_ = pieces_;
    rng_.shuffle(order_);
    next_piece_ = 0;
    epoch_started_ = true;
  }
  std::vector<Window> rows;
  while (static_cast<int64_t>(rows.size()) < config_.batch_size) {
    refill();
    if (buffer_.empty()) break;
    rows.push_back(take_window());
  }
  if (rows.empty()) {
    epoch_started_ = false;
    return std::nullopt;
  }
  dataset::TokenBatch batch;
  batch.batch = static_cast<int64_t>(rows.size());
  batch.length = config_.window;
  batch.tokens.assign(rows.size() * config_.window, config_.pad_id);
  batch.mask.assign(rows.size() * config_.window, 0);
  for (size_t r = 0; r < rows.size(); ++r) {
    const size_t at = r * static_cast<size_t>(config_.window);
    store_.read(rows[r].piece, rows[r].start, std::span<int32_t>(batch.tokens.data() + at, rows[r].length));
    std::fill_n(batch.mask.begin() + static_cast<std::ptrdiff_t>(at), rows[r].length, uint8_t{1});
    stats_.tokens += rows[r].length;
  }
  stats_.windows += rows.size();
  return batch;
}

}  // namespace cadenza::music::corpus
