// MultiheadAttention (causal + key padding, cross, relative positions) and the pre-norm
// decoder block against PyTorch (tests/fixtures/attention.safetensors).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "nn/attention.h"
#include "nn/transformer.h"
#include "ops/ops.h"
#include "ops/samples.h"
#include "tests/fixtures/parity.h"

using namespace cadenza;
using Catch::Matchers::Contains;

TEST_CASE("MultiheadAttention with causal and key padding masks matches PyTorch", "[nn][attention][parity]") {
  parity::Fixture f("attention");
  nn::MultiheadAttention mha(8, 2);
  parity::check_layer(f, "mha_causal_padding", mha, {"x", "pad"},
                      [&](auto& in) { return mha.forward(in[0], true, in[1]); });
}

TEST_CASE("MultiheadAttention across sequences matches PyTorch", "[nn][attention][parity]") {
  parity::Fixture f("attention");
  nn::MultiheadAttention mha(8, 2);
  parity::check_layer(f, "mha_cross", mha, {"q", "kv"}, [&](auto& in) { return mha.forward(in[0], in[1], in[1]); });
}

TEST_CASE("relative-position attention matches the Huang et al. reference", "[nn][attention][parity]") {
  parity::Fixture f("attention");
  nn::MultiheadAttention mha(8, 2, {.max_relative_position = 6});
  parity::check_layer(f, "mha_relative", mha, {"x"}, [&](auto& in) { return mha.forward(in[0], true); });
}

TEST_CASE("the pre-norm decoder block matches TransformerEncoderLayer(norm_first) with a causal mask",
          "[nn][transformer][parity]") {
  parity::Fixture f("attention");
  nn::TransformerDecoderBlock block(8, 2, 16, {.dropout = 0});
  parity::check_layer(f, "decoder_block", block, {"x", "pad"}, [&](auto& in) { return block.forward(in[0], in[1]); });
}

TEST_CASE("MultiheadAttention checks its sizes and initialises like PyTorch", "[nn][attention]") {
  CHECK_THROWS_WITH(nn::MultiheadAttention(10, 3), Contains("embed_dim 10 is not divisible by num_heads 3"));
  nn::MultiheadAttention mha(8, 2);
  CHECK_THROWS_WITH(mha.forward(Tensor::ones({2, 5, 6})), Contains("MultiheadAttention") && Contains("[2, 5, 6]"));
  Generator gen(2);
  nn::MultiheadAttention big(256, 4, {}, gen);
  auto w = big.in_proj_weight.to_vector<float>();
  double bound = std::sqrt(6.0 / (4 * 256)), var = 0, hi = 0;
  for (float v : w) var += double(v) * v, hi = std::max<double>(hi, std::abs(v));
  CHECK(var / double(w.size()) == Approx(bound * bound / 3).epsilon(0.02));
  CHECK(hi <= bound);
  CHECK(big.in_proj_bias.to_vector<float>() == std::vector<float>(768, 0.0f));
  CHECK(big.out_proj->bias.to_vector<float>() == std::vector<float>(256, 0.0f));
}

TEST_CASE("the decoder block's key/value cache equals the full causal forward", "[nn][attention]") {
  // f32: the two paths sum in different orders, so they agree to ~1e-7 relative. Relative
  // tables shorter and longer than the 7 positions; the history arrives as 3 positions,
  // then 1, then 3.
  for (int64_t M : {3, 9}) {
    Generator gen(4);
    nn::TransformerDecoderBlock block(8, 2, 16, {.dropout = 0, .max_relative_position = M}, gen);
    Tensor x = testing::uniform_input({2, 7, 8}, DType::f32);
    Tensor full = block.forward(x);
    nn::KVCache cache;
    std::vector<Tensor> parts;
    for (auto [start, len] : {std::pair<int64_t, int64_t>{0, 3}, {3, 1}, {4, 3}})
      parts.push_back(block.forward_cached(narrow(x, 1, start, len), cache));
    CHECK(cache.length() == 7);
    auto a = full.to_vector<float>(), b = concat(parts, 1).to_vector<float>();
    for (size_t i = 0; i < a.size(); ++i) CHECK(a[i] == Approx(b[i]).margin(1e-5));
    cache.keep_last(2);
    CHECK(cache.length() == 2);
    CHECK(cache.k.shape() == Shape({2, 2, 2, 4}));
  }
  nn::MultiheadAttention mha(8, 2);
  nn::KVCache cache;
  mha.forward_cached(Tensor::ones({1, 2, 8}), cache);
  CHECK_THROWS_WITH(mha.forward_cached(Tensor::ones({3, 1, 8}), cache),
                    Contains("forward_cached") && Contains("[3, 1, 8]"));
}

TEST_CASE("the key/value cache grows, slides and compacts its buffers without changing a step's output",
          "[nn][attention]") {
  // One attention layer: a position's key and value depend on its input alone, so step t
  // with the cache holding the window's earlier positions equals the last row of the full
  // causal forward over that window. 150 single steps pass the buffers' first capacity
  // (growth); with a window of 10 the views reach the buffers' end again and again
  // (compaction). Without a gradient to record (as samplers run) the rows are written into
  // the buffers; with one, the cache concatenates.
  Generator gen(7);
  nn::MultiheadAttention mha(8, 2, {.max_relative_position = 5}, gen);
  Tensor x = testing::uniform_input({2, 150, 8}, DType::f32);
  for (auto [window, grad] : {std::pair{int64_t{0}, false}, {int64_t{10}, false}, {int64_t{10}, true}}) {
    GradModeGuard mode(grad);
    nn::KVCache cache;
    for (int64_t t = 0; t < 150; ++t) {
      Tensor step = mha.forward_cached(narrow(x, 1, t, 1), cache);
      const int64_t first = window > 0 ? std::max<int64_t>(0, t - window + 1) : 0;
      Tensor full = mha.forward(narrow(x, 1, first, t + 1 - first), /*causal=*/true);
      auto a = narrow(full, 1, t - first, 1).to_vector<float>(), b = step.to_vector<float>();
      INFO("window " << window << ", grad " << grad << ", step " << t);
      for (size_t i = 0; i < a.size(); ++i) REQUIRE(a[i] == Approx(b[i]).margin(1e-5));
      if (window > 0) cache.keep_last(window - 1);
    }
    CHECK(cache.length() == (window > 0 ? window - 1 : 150));
  }
}
