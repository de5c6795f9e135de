#include "models/data_windows.h"

#include "music/dataset/batch.h"

namespace cadenza::models {
namespace ds = music::dataset;

Batch token_batch(const std::vector<TokenSeq>& windows, int64_t width, const TokenCondition& condition,
                  const std::vector<std::vector<float>>* rows) {
  const ds::TokenBatch tb = ds::make_token_batch(windows, kTokenPadId, width);
  const int64_t B = tb.batch, L = tb.length - 1;
  std::vector<int64_t> in(B * L), tgt(B * L);
  std::vector<float> mask(B * L);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < L; ++t) {
      const int64_t i = b * L + t, src = b * tb.length + t;
      const bool real = tb.mask[src + 1] != 0;
      in[i] = tb.tokens[src];
      tgt[i] = real ? tb.tokens[src + 1] : -100;
      mask[i] = real ? 1.0f : 0.0f;
    }
  Batch batch{Tensor::from_vector<int64_t>(in, {B, L}), Tensor::from_vector<int64_t>(tgt, {B, L}),
              Tensor::from_vector<float>(mask, {B, L}), Tensor()};
  const int64_t C = condition.width;
  if (C == 0) return batch;
  std::vector<float> cond(B * L * C, 0.0f);  // padded steps stay zero
  for (int64_t b = 0; b < B; ++b) {
    const std::vector<float> own = rows ? std::vector<float>() : condition.rows(windows[b]);
    const std::vector<float>& r = rows ? (*rows)[b] : own;
    const int64_t n = std::min<int64_t>(static_cast<int64_t>(windows[b].size()) - 1, L);
    for (int64_t t = 0; t < n; ++t) std::copy_n(r.begin() + (t + 1) * C, C, cond.begin() + (b * L + t) * C);
  }
  batch.condition = Tensor::from_vector<float>(cond, {B, L, C});
  return batch;
}

Batch roll_batch(const std::vector<music::repr::RollPiece>& windows, int64_t width) {
  const ds::RollBatch rb = ds::make_roll_batch(windows, width);
  const int64_t B = rb.shape[0], W = rb.shape[1], K = rb.shape[2], L = W - 1;
  std::vector<float> in(B * L * K), tgt(B * L * K), mask(B * L);
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t t = 0; t < L; ++t) mask[b * L + t] = rb.mask[b * W + t + 1];
    std::copy_n(rb.data.begin() + b * W * K, L * K, in.begin() + b * L * K);
    std::copy_n(rb.data.begin() + (b * W + 1) * K, L * K, tgt.begin() + b * L * K);
  }
  return {Tensor::from_vector<float>(in, {B, L, K}), Tensor::from_vector<float>(tgt, {B, L, K}),
          Tensor::from_vector<float>(mask, {B, L}), Tensor()};
}

}  // namespace cadenza::models
