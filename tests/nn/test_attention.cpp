// MultiheadAttention (causal + key padding, cross, relative positions) and the pre-norm
// decoder block against PyTorch (tests/fixtures/attention.safetensors).
#include <catch2/catch.hpp>
#include <cmath>

#include "engine/nn/attention.h"
#include "engine/nn/transformer.h"
#include "ops/ops.h"
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
