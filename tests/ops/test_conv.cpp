// unfold/fold and the convolutions: hand-computed forward values, conv_transpose as the
// adjoint of conv, PyTorch's output-size formulas, groups, and shape errors. Gradients
// (first and second order) are covered by the op registry's samples.
#include <catch2/catch.hpp>

#include "engine/cpu/parallel.h"
#include "ops/ops.h"
#include "ops/samples.h"

using namespace cadenza;
using Catch::Matchers::Contains;

namespace {
Tensor values(std::vector<double> v, Shape shape) { return Tensor::from_values<double>(v, std::move(shape)); }
Tensor iota(Shape shape) {
  std::vector<double> v(numel(shape));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i + 1);
  return values(v, std::move(shape));
}
std::vector<double> elements(const Tensor& t) { return t.to_vector<double>(); }
double dot(const Tensor& a, const Tensor& b) { return sum(mul(a, b)).item<double>(); }
}  // namespace

TEST_CASE("unfold copies windows into columns and fold sums them back", "[conv]") {
  // x = [1, 2, 3, 4], k = 2, padding 1: windows [0,1] [1,2] [2,3] [3,4] [4,0].
  Tensor x = iota({1, 1, 4});
  Tensor cols = unfold(x, {2}, {1}, {1});
  CHECK(cols.shape() == Shape{1, 2, 5});
  CHECK(elements(cols) == std::vector<double>{0, 1, 2, 3, 4, 1, 2, 3, 4, 0});
  // Folding the same columns counts each element once per window covering it.
  CHECK(elements(fold(cols, {4}, {2}, {1}, {1})) == std::vector<double>{2, 4, 6, 8});
  // Two channels, 2-D, stride 2: rows are channel-major then tap-major.
  Tensor x2 = iota({1, 2, 2, 4});
  Tensor c2 = unfold(x2, {2, 2}, {2});
  CHECK(c2.shape() == Shape{1, 8, 2});
  CHECK(elements(c2) == std::vector<double>{1, 3, 2, 4, 5, 7, 6, 8, 9, 11, 10, 12, 13, 15, 14, 16});
  // Non-overlapping windows: fold inverts unfold.
  CHECK(elements(fold(c2, {2, 4}, {2, 2}, {2})) == elements(x2));
}

TEST_CASE("unfold's gradient counts the windows covering each element", "[conv]") {
  // sum's gradient reaches fold as a broadcast (stride 0) tensor.
  Tensor x = Tensor::zeros({1, 1, 5}, DType::f64).set_requires_grad(true);
  backward(sum(unfold(x, {3}, {2})));
  CHECK(elements(x.grad()) == std::vector<double>{1, 1, 2, 1, 1});
}

TEST_CASE("unfold reads strided inputs", "[conv]") {
  Tensor x = iota({1, 4, 1, 3});
  Tensor t = transpose(x, 1, 3);  // [1, 3, 1, 4], non-contiguous
  CHECK(elements(unfold(t, {1, 2})) == elements(unfold(contiguous(t), {1, 2})));
}

TEST_CASE("unfold and fold give the same bits on any thread count", "[conv]") {
  // Many planes, so the parallel loop really splits; overlapping windows make fold sum.
  Tensor x = testing::uniform_input({8, 16, 9, 10}, DType::f32);
  auto run = [&] {
    Tensor cols = unfold(x, {3, 2}, {1, 2}, {1});
    return std::pair{cols.to_vector<float>(), fold(cols, {9, 10}, {3, 2}, {1, 2}, {1}).to_vector<float>()};
  };
  const int prev = cpu::num_threads();
  cpu::set_num_threads(1);
  auto serial = run();
  cpu::set_num_threads(std::max(2, prev));
  auto parallel = run();
  cpu::set_num_threads(prev);
  CHECK(serial == parallel);
}

TEST_CASE("the grid forms check their axes", "[conv][errors]") {
  Window w{{2, 2}, {1, 1}, {0, 0}, {1, 1}};
  CHECK_THROWS_WITH(unfold_on_grid(Tensor::zeros({1, 1, 4, 4}), w, {3}), Contains("unfold") && Contains("grid [3]"));
  CHECK_THROWS_WITH(fold_on_grid(Tensor::zeros({1, 4, 9}), {4, 4, 4}, w, {3, 3}),
                    Contains("fold") && Contains("[4, 4, 4]"));
}

TEST_CASE("conv1d forward on hand-computed cases", "[conv]") {
  Tensor x = values({1, 2, 3, 4}, {1, 1, 4});
  Tensor w = values({1, 0, -1}, {1, 1, 3});
  CHECK(elements(conv1d(x, w)) == std::vector<double>{-2, -2});
  CHECK(elements(conv1d(x, w, {}, {.padding = {1}})) == std::vector<double>{-2, -2, -2, 3});
  CHECK(elements(conv1d(x, w, values({0.5}, {1}), {.padding = {2}, .dilation = {2}})) ==
        std::vector<double>{-2.5, -3.5, 1.5, 2.5});
  // Two output channels, stride 2.
  Tensor w2 = values({1, 1, 1, 0, 0, 1}, {2, 1, 3});
  Tensor y = conv1d(x, w2, values({0, 10}, {2}), {.stride = {2}, .padding = {1}});
  CHECK(y.shape() == Shape{1, 2, 2});
  CHECK(elements(y) == std::vector<double>{3, 9, 12, 14});
}

TEST_CASE("conv2d forward with stride 2 and padding 1", "[conv]") {
  Tensor x = iota({1, 1, 3, 3});
  Tensor w = values({1, 2, 3, 4}, {1, 1, 2, 2});
  Tensor y = conv2d(x, w, {}, {.stride = {2}, .padding = {1}});
  CHECK(y.shape() == Shape{1, 1, 2, 2});
  CHECK(elements(y) == std::vector<double>{4, 18, 36, 77});
}

TEST_CASE("conv3d forward sums 2x2x2 boxes", "[conv]") {
  // x[d][h][w] = 9d + 3h + w + 1; a box of ones sums 8 * corner + 4 * (9 + 3 + 1) + 8.
  Tensor x = iota({1, 1, 3, 3, 3});
  Tensor ones = Tensor::ones({1, 1, 2, 2, 2}, DType::f64);
  CHECK(elements(conv3d(x, ones)) == std::vector<double>{60, 68, 84, 92, 132, 140, 156, 164});
  // Dilation 2 picks the 8 corners of the cube: 8 * 1 + 4 * (18 + 6 + 2).
  CHECK(elements(conv3d(x, ones, {}, {.dilation = {2}})) == std::vector<double>{112});
}

TEST_CASE("conv_transpose1d forward, padding and output_padding", "[conv]") {
  Tensor x = values({1, 2}, {1, 1, 2});
  Tensor w = values({1, 1, 1}, {1, 1, 3});
  // Copies of w scaled by 1 and 2 at offsets 0 and 2, overlapping at 2.
  CHECK(elements(conv_transpose1d(x, w, {}, {.stride = {2}})) == std::vector<double>{1, 1, 3, 2, 2});
  CHECK(elements(conv_transpose1d(x, w, {}, {.stride = {2}, .padding = {1}})) == std::vector<double>{1, 3, 2});
  // output_padding keeps one more element of the far end, which does receive x[1] * w[2].
  CHECK(elements(conv_transpose1d(x, w, values({1}, {1}), {.stride = {2}, .padding = {1}, .output_padding = {1}})) ==
        std::vector<double>{2, 4, 3, 3});
}

TEST_CASE("conv_transpose is the adjoint of conv with the same weights", "[conv]") {
  struct Case {
    Shape x, w;
    Shape stride, padding, dilation;
    int64_t groups;
  };
  const std::vector<Case> cases = {
      {{2, 4, 9}, {6, 2, 3}, {2}, {1}, {1}, 2},
      {{2, 2, 7}, {3, 2, 2}, {3}, {2}, {2}, 1},
      {{2, 2, 6, 5}, {4, 2, 3, 2}, {2, 1}, {1, 0}, {1, 2}, 1},
      {{1, 4, 5, 4, 6}, {2, 2, 2, 3, 2}, {1, 2, 3}, {0, 1, 1}, {2, 1, 1}, 2},
  };
  for (const Case& c : cases) {
    const int64_t nd = static_cast<int64_t>(c.x.size()) - 2;
    Tensor x = testing::uniform_input(c.x, DType::f64), w = testing::uniform_input(c.w, DType::f64);
    ConvOptions o{c.stride, c.padding, c.dilation, c.groups};
    Tensor y = nd == 1 ? conv1d(x, w, {}, o) : nd == 2 ? conv2d(x, w, {}, o) : conv3d(x, w, {}, o);
    // output_padding recovers the input size the conv's floor division dropped.
    Shape extra(nd);
    for (int64_t i = 0; i < nd; ++i)
      extra[i] = (c.x[i + 2] + 2 * c.padding[i] - c.dilation[i] * (c.w[i + 2] - 1) - 1) % c.stride[i];
    Tensor v = testing::uniform_input(y.shape(), DType::f64);
    ConvTransposeOptions t{c.stride, c.padding, extra, c.dilation, c.groups};
    Tensor u = nd == 1   ? conv_transpose1d(v, w, {}, t)
               : nd == 2 ? conv_transpose2d(v, w, {}, t)
                         : conv_transpose3d(v, w, {}, t);
    INFO("input " << shape_str(c.x) << ", weight " << shape_str(c.w));
    REQUIRE(u.shape() == x.shape());
    CHECK(dot(y, v) == Approx(dot(x, u)).epsilon(1e-12));
  }
}

TEST_CASE("output sizes follow PyTorch's formulas", "[conv]") {
  struct Row {
    int64_t in, k, s, p, d, op, conv_out, transpose_out;
  };
  // conv: floor((in + 2p - d(k-1) - 1) / s) + 1; transpose: (in-1)s - 2p + d(k-1) + op + 1.
  const std::vector<Row> rows = {
      {5, 3, 1, 0, 1, 0, 3, 7}, {7, 3, 2, 1, 1, 1, 4, 14}, {84, 12, 12, 0, 1, 0, 7, 1008}, {10, 3, 3, 2, 2, 2, 4, 30},
      {4, 2, 1, 0, 3, 2, 1, 9}, {1, 1, 1, 0, 1, 0, 1, 1},  {6, 4, 2, 3, 1, 1, 5, 9},
  };
  for (const Row& r : rows) {
    INFO("in " << r.in << " k " << r.k << " s " << r.s << " p " << r.p << " d " << r.d << " op " << r.op);
    Tensor w = Tensor::zeros({1, 1, r.k});
    CHECK(conv1d(Tensor::zeros({1, 1, r.in}), w, {}, {{r.s}, {r.p}, {r.d}}).shape() == Shape{1, 1, r.conv_out});
    CHECK(conv_transpose1d(Tensor::zeros({1, 1, r.in}), w, {}, {{r.s}, {r.p}, {r.op}, {r.d}}).shape() ==
          Shape{1, 1, r.transpose_out});
  }
  // Per-axis parameters in 2-D and 3-D combine rows of the table.
  CHECK(conv2d(Tensor::zeros({2, 3, 7, 84}), Tensor::zeros({5, 3, 3, 12}), {}, {{2, 12}, {1, 0}}).shape() ==
        Shape{2, 5, 4, 7});
  CHECK(conv_transpose3d(Tensor::zeros({1, 2, 5, 10, 4}), Tensor::zeros({2, 3, 3, 3, 2}), {},
                         {{1, 3, 1}, {0, 2, 0}, {0, 2, 2}, {1, 2, 3}})
            .shape() == Shape{1, 3, 7, 30, 9});
}

TEST_CASE("groups split channels into independent convolutions", "[conv]") {
  Tensor x = testing::uniform_input({2, 4, 6, 5}, DType::f64);
  Tensor w = testing::uniform_input({6, 2, 3, 2}, DType::f64);
  Tensor b = testing::uniform_input({6}, DType::f64);
  ConvOptions o{.stride = {2, 1}, .padding = {1}, .groups = 2};
  Tensor y = conv2d(x, w, b, o);
  o.groups = 1;
  Tensor lo = conv2d(narrow(x, 1, 0, 2), narrow(w, 0, 0, 3), narrow(b, 0, 0, 3), o);
  Tensor hi = conv2d(narrow(x, 1, 2, 2), narrow(w, 0, 3, 3), narrow(b, 0, 3, 3), o);
  auto same = [](const Tensor& a, const Tensor& e) {
    REQUIRE(a.shape() == e.shape());
    auto av = elements(a), ev = elements(e);
    for (size_t i = 0; i < av.size(); ++i) CHECK(av[i] == Approx(ev[i]).epsilon(1e-12));
  };
  same(y, concat({lo, hi}, 1));
  // The same for the transpose: weight [Cin, Cout/groups, *k] splits along Cin.
  Tensor wt = testing::uniform_input({4, 3, 2, 2}, DType::f64);
  ConvTransposeOptions t{.stride = {2}, .groups = 2};
  Tensor yt = conv_transpose2d(x, wt, {}, t);
  t.groups = 1;
  same(yt, concat({conv_transpose2d(narrow(x, 1, 0, 2), narrow(wt, 0, 0, 2), {}, t),
                   conv_transpose2d(narrow(x, 1, 2, 2), narrow(wt, 0, 2, 2), {}, t)},
                  1));
}

TEST_CASE("conv at MuseGAN sizes runs in f32 and backpropagates", "[conv]") {
  // N=16, C=64, 4x84 roll, kernel 1x12 stride 1x12: the columns hold exactly the input.
  Tensor x = testing::uniform_input({16, 64, 4, 84}, DType::f32);
  Tensor w = testing::uniform_input({64, 64, 1, 12}, DType::f32).set_requires_grad(true);
  Tensor y = conv2d(x, w, {}, {.stride = {1, 12}});
  CHECK(y.shape() == Shape{16, 64, 4, 7});
  backward(sum(y));
  CHECK(w.grad().shape() == w.shape());
}

TEST_CASE("convolution errors name the op and the shapes", "[conv][errors]") {
  Tensor x = Tensor::zeros({2, 3, 5, 5});
  CHECK_THROWS_WITH(conv2d(x, Tensor::zeros({4, 2, 3, 3})),
                    Contains("conv2d") && Contains("[2, 3, 5, 5]") && Contains("[4, 2, 3, 3]") && Contains("channels"));
  CHECK_THROWS_WITH(conv2d(x, Tensor::zeros({4, 3, 6, 3})),
                    Contains("conv2d") && Contains("[6, 3]") && Contains("[5, 5]") && Contains("larger"));
  CHECK_THROWS_WITH(conv2d(x, Tensor::zeros({4, 3, 3})), Contains("conv2d") && Contains("[4, 3, 3]"));
  CHECK_THROWS_WITH(conv1d(x, Tensor::zeros({4, 3, 3})), Contains("conv1d") && Contains("[2, 3, 5, 5]"));
  CHECK_THROWS_WITH(conv2d(x, Tensor::zeros({4, 3, 3, 3}), Tensor::zeros({3})),
                    Contains("conv2d") && Contains("bias") && Contains("[3]"));
  CHECK_THROWS_WITH(conv2d(x, Tensor::zeros({4, 1, 3, 3}), {}, {.groups = 3}),
                    Contains("conv2d") && Contains("groups 3"));
  CHECK_THROWS_WITH(conv2d(x, Tensor::zeros({4, 3, 3, 3}), {}, {.stride = {1, 1, 1}}),
                    Contains("conv2d") && Contains("stride") && Contains("[1, 1, 1]"));
  CHECK_THROWS_WITH(conv2d(x, Tensor::zeros({4, 3, 3, 3}), {}, {.stride = {0}}),
                    Contains("conv2d") && Contains("stride"));
  CHECK_THROWS_WITH(conv_transpose2d(x, Tensor::zeros({4, 2, 3, 3})),
                    Contains("conv_transpose2d") && Contains("[2, 3, 5, 5]") && Contains("[4, 2, 3, 3]"));
  CHECK_THROWS_WITH(conv_transpose2d(x, Tensor::zeros({3, 2, 3, 3}), {}, {.stride = {2}, .output_padding = {2}}),
                    Contains("conv_transpose2d") && Contains("output_padding"));
  CHECK_THROWS_WITH(conv_transpose1d(Tensor::zeros({1, 1, 1}), Tensor::zeros({1, 1, 1}), {}, {.padding = {1}}),
                    Contains("conv_transpose1d") && Contains("no output"));
  CHECK_THROWS_WITH(fold(Tensor::zeros({1, 4, 2}), {4}, {2}), Contains("fold") && Contains("[1, 4, 2]"));
  CHECK_THROWS_WITH(unfold(Tensor::zeros({2, 3}), {2}), Contains("unfold") && Contains("[2, 3]"));
  CHECK_THROWS_WITH(conv2d(x, Tensor::zeros({4, 3, 3, 3}, DType::f64)), Contains("conv2d") && Contains("f64"));
}
