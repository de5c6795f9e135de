// Indexing ops: forward values worked out by hand (gather/scatter_add follow PyTorch's
// documented examples), gradients that accumulate over repeated indices, and errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "engine/cpu/parallel.h"
#include "ops/ops.h"

using namespace cadenza;
using Catch::Matchers::Contains;

namespace {
using F = std::vector<float>;
Tensor f32(F v, Shape s) { return Tensor::from_vector<float>(v, s); }
Tensor i64(std::vector<int64_t> v, Shape s) { return Tensor::from_vector<int64_t>(v, s); }
F vec(const Tensor& t) { return t.to_vector<float>(); }
}  // namespace

TEST_CASE("index_select picks slices along any axis", "[index]") {
  Tensor x = f32({0, 1, 2, 3, 4, 5}, {2, 3});
  CHECK(vec(index_select(x, 1, i64({2, 0, 2}, {3}))) == F{2, 0, 2, 5, 3, 5});
  Tensor rows = index_select(x, 0, Tensor::from_vector<int32_t>({1, 1}, {2}));
  CHECK(rows.shape() == Shape{2, 3});
  CHECK(vec(rows) == F{3, 4, 5, 3, 4, 5});
  // A transposed (strided) input.
  CHECK(vec(index_select(transpose(x, 0, 1), -1, i64({1}, {1}))) == F{3, 4, 5});
}

TEST_CASE("empty index tensors give empty results", "[index]") {
  Tensor x = f32({0, 1, 2, 3, 4, 5}, {2, 3});
  Tensor none = Tensor::from_vector<int64_t>({}, {0});
  CHECK(index_select(x, 1, none).shape() == Shape{2, 0});
  CHECK(vec(index_add(x, 0, none, Tensor::zeros({0, 3}))) == vec(x));
  CHECK(embedding(x, none).shape() == Shape{0, 3});
  CHECK(gather(x, 1, Tensor::from_vector<int64_t>({}, {2, 0})).shape() == Shape{2, 0});
}

TEST_CASE("index_select's gradient adds up repeated indices", "[index]") {
  Tensor x = f32({0, 1, 2, 3, 4, 5}, {2, 3}).set_requires_grad(true);
  backward(sum(index_select(x, 1, i64({2, 0, 2}, {3}))));
  CHECK(vec(x.grad()) == F{1, 0, 2, 1, 0, 2});
}

TEST_CASE("index_add adds rows into a copy of the base", "[index]") {
  Tensor base = Tensor::ones({3, 2});
  Tensor src = f32({1, 2, 10, 20, 100, 200}, {3, 2});
  Tensor out = index_add(base, 0, i64({2, 0, 2}, {3}), src);
  CHECK(vec(out) == F{11, 21, 1, 1, 102, 203});
  CHECK(vec(base) == F{1, 1, 1, 1, 1, 1});
}

TEST_CASE("index_add gives the same bits at any thread count", "[index]") {
  const int64_t n = 20000, rows = 7, cols = 300;  // cols spans two column blocks
  std::vector<int64_t> idx(n);
  std::vector<float> src(n * cols), expect(rows * cols, 0.0f);
  for (int64_t j = 0; j < n; ++j) {
    idx[j] = (j * 5) % rows;
    for (int64_t c = 0; c < cols; ++c) {
      src[j * cols + c] = std::sin(float(j + c)) * 0.1f;
      expect[idx[j] * cols + c] += src[j * cols + c];  // the serial reference, in index order
    }
  }
  auto run = [&] { return vec(index_add(Tensor::zeros({rows, cols}), 0, i64(idx, {n}), f32(src, {n, cols}))); };
  const int prev = cpu::num_threads();
  cpu::set_num_threads(2);
  F two = run();
  cpu::set_num_threads(1);
  F one = run();
  cpu::set_num_threads(prev);
  CHECK(two == one);
  CHECK(two == expect);
}

TEST_CASE("gather and scatter_add follow PyTorch's examples", "[index]") {
  // torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]]))
  Tensor g = gather(f32({1, 2, 3, 4}, {2, 2}), 1, i64({0, 0, 1, 0}, {2, 2}));
  CHECK(vec(g) == F{1, 1, 4, 3});
  // An index smaller than the input on the other axis, along axis 0.
  CHECK(vec(gather(f32({1, 2, 3, 4, 5, 6}, {3, 2}), 0, i64({2, 0}, {1, 2}))) == F{5, 2});

  // torch.zeros(3, 5).scatter_add_(0, index, torch.ones(2, 5)) from the scatter_add_ docs.
  Tensor idx = i64({0, 1, 2, 0, 0, 0, 1, 2, 2, 2}, {2, 5});
  Tensor s = scatter_add(Tensor::zeros({3, 5}), 0, idx, Tensor::ones({2, 5}));
  CHECK(vec(s) == F{2, 0, 0, 1, 1, 0, 2, 0, 0, 0, 0, 0, 2, 1, 1});
  // src larger than the index: the extra positions are ignored and get zero gradient.
  Tensor src = f32({1, 2, 3, 4, 5, 6}, {2, 3}).set_requires_grad(true);
  Tensor base = Tensor::zeros({2, 2}).set_requires_grad(true);
  Tensor out = scatter_add(base, 1, i64({1, 1, 0, 1}, {2, 2}), src);
  CHECK(vec(out) == F{0, 3, 4, 5});
  backward(sum(mul(out, f32({1, 10, 100, 1000}, {2, 2}))));
  CHECK(vec(src.grad()) == F{10, 10, 0, 100, 1000, 0});
  CHECK(vec(base.grad()) == F{1, 10, 100, 1000});
}

TEST_CASE("embedding maps an index tensor of any shape to vectors", "[index]") {
  Tensor w = f32({0, 1, 10, 11, 20, 21}, {3, 2}).set_requires_grad(true);
  Tensor e = embedding(w, i64({2, 0, 2, 1}, {2, 2}));
  CHECK(e.shape() == Shape{2, 2, 2});
  CHECK(vec(e) == F{20, 21, 0, 1, 20, 21, 10, 11});
  CHECK(embedding(w, Tensor::from_vector<int64_t>({1}, {})).shape() == Shape{2});
  backward(sum(e));
  CHECK(vec(w.grad()) == F{1, 1, 1, 1, 2, 2});
}

TEST_CASE("one_hot, masks and masked_fill", "[index]") {
  Tensor oh = one_hot(Tensor::from_vector<int32_t>({2, 0, 1}, {3}), 3);
  CHECK(oh.dtype() == DType::f32);
  CHECK(vec(oh) == F{0, 0, 1, 1, 0, 0, 0, 1, 0});
  CHECK(one_hot(i64({1, 0, 0, 1}, {2, 2}), 2, DType::i64).shape() == Shape{2, 2, 2});

  CHECK(vec(triu_mask(3, 4, 1)) == F{0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1});
  CHECK(vec(tril_mask(3, 3)) == F{1, 0, 0, 1, 1, 0, 1, 1, 1});
  CHECK(vec(tril_mask(2, 3, -1)) == F{0, 0, 0, 1, 0, 0});

  Tensor x = f32({1, 2, 3, 4}, {2, 2}).set_requires_grad(true);
  Tensor y = masked_fill(x, i64({0, 1}, {2}), -7);
  CHECK(vec(y) == F{1, -7, 3, -7});
  backward(sum(y));
  CHECK(vec(x.grad()) == F{1, 0, 1, 0});

  // The causal attention pattern: future positions at -inf.
  const float inf = std::numeric_limits<float>::infinity();
  Tensor scores = masked_fill(Tensor::zeros({3, 3}), triu_mask(3, 3, 1), -inf);
  CHECK(vec(scores) == F{0, -inf, -inf, 0, 0, -inf, 0, 0, 0});
}

TEST_CASE("index errors name the op, the index and the axis size", "[index][errors]") {
  Tensor x = Tensor::zeros({2, 3});
  CHECK_THROWS_WITH(index_select(x, 1, i64({0, 3}, {2})),
                    Contains("index_select") && Contains("index 3") && Contains("axis 1 of size 3"));
  CHECK_THROWS_WITH(index_select(x, 0, i64({-1}, {1})), Contains("index_select") && Contains("index -1"));
  CHECK_THROWS_WITH(index_select(x, 0, i64({0}, {1, 1})), Contains("index_select") && Contains("1-D"));
  CHECK_THROWS_WITH(index_select(x, 0, f32({0}, {1})), Contains("index_select") && Contains("f32"));
  CHECK_THROWS_WITH(index_add(x, 0, i64({0}, {1}), Tensor::zeros({2, 3})),
                    Contains("index_add") && Contains("[2, 3]") && Contains("[1, 3]"));
  CHECK_THROWS_WITH(gather(x, 1, i64({0, 9}, {1, 2})), Contains("gather") && Contains("index 9") && Contains("size 3"));
  CHECK_THROWS_WITH(gather(x, 1, i64({0}, {1})), Contains("gather") && Contains("rank"));
  CHECK_THROWS_WITH(gather(x, 1, i64({0, 0, 0}, {3, 1})),
                    Contains("gather") && Contains("[3, 1]") && Contains("[2, 3]"));
  CHECK_THROWS_WITH(scatter_add(x, 0, i64({0, 0, 0}, {1, 3}), Tensor::zeros({1, 2})),
                    Contains("scatter_add") && Contains("src") && Contains("[1, 2]"));
  CHECK_THROWS_WITH(scatter_add(x, 0, i64({2, 0, 0}, {1, 3}), Tensor::zeros({1, 3})),
                    Contains("scatter_add") && Contains("index 2") && Contains("size 2"));
  CHECK_THROWS_WITH(embedding(Tensor::zeros({5, 2}), i64({1, 5}, {2})),
                    Contains("embedding") && Contains("index 5") && Contains("size 5"));
  CHECK_THROWS_WITH(embedding(Tensor::zeros({5}), i64({1}, {1})), Contains("embedding") && Contains("[5]"));
  CHECK_THROWS_WITH(one_hot(i64({4}, {1}), 4), Contains("one_hot") && Contains("index 4") && Contains("size 4"));
  CHECK_THROWS_WITH(masked_fill(x, Tensor::zeros({3, 3}), 0), Contains("masked_fill") && Contains("[3, 3]"));
}
