#include "music/dataset/token_stream.h"

#include <stdexcept>

#include "music/dataset/augment.h"
#include "music/score/midi_convert.h"

namespace cadenza::music::dataset {

TokenStream::TokenStream(std::vector<std::filesystem::path> files, const repr::Tokenizer& tokenizer,
                         TokenStreamConfig config, SkippedFiles* skipped)
    : files_(std::move(files)), tokenizer_(tokenizer), config_(config), rng_(config.seed), skipped_(skipped) {
  if (config_.batch_size < 1 || config_.window < 1 || config_.shuffle_buffer < 1)
    throw std::invalid_argument("token stream: batch_size, window and shuffle_buffer must be positive");
}

bool TokenStream::refill() {
  while (buffer_.size() < config_.shuffle_buffer) {
    if (next_file_ >= order_.size()) return false;
    const auto& path = order_[next_file_++];
    std::vector<int32_t> tokens;
    try {
      Score score = load_midi(path);
      if (config_.max_transpose > 0) transpose(score, random_transposition(score, config_.max_transpose, rng_));
      if (config_.tempo_jitter > 0.0) scale_tempo(score, 1.0 + config_.tempo_jitter * (2.0 * rng_.uniform() - 1.0));
      tokens = tokenizer_.encode(score);
    } catch (const std::exception& e) {
      ++stats_.files_skipped;
      if (skipped_) skipped_->add(path, e.what());
      continue;
    }
    ++stats_.files_read;
    const int64_t w = config_.window;
    const int64_t n = static_cast<int64_t>(tokens.size());
    int64_t start = n > w ? static_cast<int64_t>(rng_.below(static_cast<uint64_t>(w))) : 0;
    if (start > 0) buffer_.emplace_back(tokens.begin(), tokens.begin() + start);
    for (; start < n; start += w) buffer_.emplace_back(tokens.begin() + start, tokens.begin() + std::min(n, start + w));
    stats_.max_buffered = std::max(stats_.max_buffered, buffer_.size());
  }
  return true;
}

std::vector<int32_t> TokenStream::take_window() {
  const size_t i = rng_.below(buffer_.size());
  std::swap(buffer_[i], buffer_.back());
  std::vector<int32_t> w = std::move(buffer_.back());
  buffer_.pop_back();
  return w;
}

std::optional<TokenBatch> TokenStream::next() {
  if (!epoch_started_) {
    order_ = files_;
    rng_.shuffle(order_);
    next_file_ = 0;
    epoch_started_ = true;
  }
  std::vector<std::vector<int32_t>> rows;
  while (static_cast<int64_t>(rows.size()) < config_.batch_size) {
    refill();
    if (buffer_.empty()) break;
    rows.push_back(take_window());
  }
  if (rows.empty()) {
    epoch_started_ = false;
    return std::nullopt;
  }
  for (const auto& r : rows) stats_.tokens += r.size();
  stats_.windows += rows.size();
  return make_token_batch(rows, config_.pad_id, config_.window);
}

}  // namespace cadenza::music::dataset
