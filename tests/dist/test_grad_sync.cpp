// The grad-ready hook (ops/autograd.h) and GradSync's bucketing (dist/grad_sync.h)
// in one process: with one rank the bucketed sums must be the gradients themselves.
#include <catch2/catch.hpp>

#include "dist/grad_sync.h"
#include "dist/local_communicator.h"
#include "ops/ops.h"

using namespace cadenza;

namespace {

Tensor param(std::vector<float> v, Shape shape) {
  Tensor t = Tensor::from_vector(v, std::move(shape));
  t.set_requires_grad(true);
  return t;
}

// A loss that reuses w twice (its two contributions must be summed before it is ready)
// and never touches `unused`.
Tensor loss_of(const Tensor& w, const Tensor& b) { return sum(mul(add(matmul(w, w), b), w)); }

}  // namespace

TEST_CASE("the grad-ready hook sees each leaf once, with its complete gradient", "[dist]") {
  Tensor w = param({1, 2, 3, 4}, {2, 2}), b = param({0.5f, -1}, {2});
  std::vector<std::pair<const void*, std::vector<float>>> seen;
  {
    GradReadyScope scope([&](const Tensor& leaf) { seen.push_back({leaf.impl(), leaf.grad().to_vector<float>()}); });
    backward(loss_of(w, b));
  }
  REQUIRE(seen.size() == 2);
  for (const auto& [leaf, g] : seen) CHECK(g == (leaf == w.impl() ? w : b).grad().to_vector<float>());
  // Outside the scope no hook runs.
  w.zero_grad(), b.zero_grad();
  backward(loss_of(w, b));
  CHECK(seen.size() == 2);
}

TEST_CASE("GradSync over one rank leaves the gradients backward computes, in any bucket size", "[dist]") {
  Tensor w = param({1, 2, 3, 4}, {2, 2}), b = param({0.5f, -1}, {2}), unused = param({7, 8, 9}, {3});
  backward(loss_of(w, b));
  const std::vector<float> gw = w.grad().to_vector<float>(), gb = b.grad().to_vector<float>();

  dist::LocalCommunicator one;
  for (size_t bucket_bytes : {size_t{4}, size_t{24}, size_t{1} << 20}) {
    INFO("bucket bytes " << bucket_bytes);
    w.zero_grad(), b.zero_grad();
    dist::GradSync sync(one, {w, b, unused}, bucket_bytes);
    CHECK(sync.bucket_count() == (bucket_bytes == 4 ? 3u : bucket_bytes == 24 ? 2u : 1u));
    sync.backward(loss_of(w, b));
    CHECK(w.grad().to_vector<float>() == gw);
    CHECK(b.grad().to_vector<float>() == gb);
    CHECK(unused.grad().to_vector<float>() == std::vector<float>{0, 0, 0});  // zeros, see grad_sync.h
    // A second pass starts afresh (the optimizer cleared .grad in between).
    w.zero_grad(), b.zero_grad(), unused.zero_grad();
    sync.backward(loss_of(w, b), Tensor::scalar(2.0));
    CHECK(w.grad().to_vector<float>()[3] == 2 * gw[3]);
    // A rank with nothing to add still takes part, with zeros.
    w.zero_grad(), b.zero_grad(), unused.zero_grad();
    sync.backward(Tensor());
    CHECK(b.grad().to_vector<float>() == std::vector<float>{0, 0});
  }
}
