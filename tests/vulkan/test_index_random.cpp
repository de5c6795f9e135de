// Indexing, random draws, sampling and the optimizers' updates on the device against the
// CPU. Tolerances: index_select, gather, index_add, scatter_add: exact (moves, and sums in
// the CPU's order); uniform, randint, bernoulli, multinomial, top-k: exact (same Philox
// stream; f64 arithmetic where the CPU uses it); normal: atol 1e-5 + rtol 1e-5 (Box-Muller in
// f32 on the device, f64 on the CPU); top-p: exact away from the p boundary; SGD/Adam:
// rtol 1e-6 + atol 1e-7 (GLSL division and sqrt may be a few ulp off).
#include "engine/vulkan/context.h"
#include "ops/optim_step.h"
#include "ops/samples.h"
#include "vulkan_test_util.h"

using namespace cadenza;
using namespace cadenza::vktest;
using cadenza::testing::index_input;
using cadenza::testing::uniform_input;

TEST_CASE("vulkan: index_select, index_add, gather, scatter_add with repeated indices", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  Tensor x = uniform_input({5, 6, 7}, DType::f32);
  for (DType it : {DType::i64, DType::i32}) {
    Tensor idx = to_dtype(index_input({9}, 6), it);  // repeats
    for (DType dt : {DType::f32, DType::i32, DType::i64, DType::f64}) {
      INFO(dtype_name(dt) << " data, " << dtype_name(it) << " index");
      Tensor xd = to_dtype(mul(x, 50.0), dt), xd2 = reshape(xd, {30, 7});
      CHECK(index_select(vk(xd), 1, vk(idx)).to_vector<double>() == index_select(xd, 1, idx).to_vector<double>());
      CHECK(embedding(vk(xd2), vk(idx)).to_vector<double>() == embedding(xd2, idx).to_vector<double>());
      Tensor gi = to_dtype(index_input({5, 4, 7}, 6), it);
      CHECK(gather(vk(xd), 1, vk(gi)).to_vector<double>() == gather(xd, 1, gi).to_vector<double>());
      CHECK(gather(permute(vk(xd), {2, 0, 1}), 2, vk(permute(gi, {2, 0, 1})).detach()).to_vector<double>() ==
            gather(permute(xd, {2, 0, 1}), 2, permute(gi, {2, 0, 1})).to_vector<double>());
      if (dt == DType::f64) continue;  // the adds are typed: f32, i32, i64
      Tensor src = to_dtype(mul(uniform_input({5, 9, 7}, DType::f32), 50.0), dt);
      CHECK(index_add(vk(xd), 1, vk(idx), vk(src)).to_vector<double>() ==
            index_add(xd, 1, idx, src).to_vector<double>());
      Tensor ss = to_dtype(mul(uniform_input({5, 4, 8}, DType::f32), 50.0), dt);
      CHECK(scatter_add(vk(xd), 1, vk(gi), vk(ss)).to_vector<double>() ==
            scatter_add(xd, 1, gi, ss).to_vector<double>());
      // Strided index and source, scattering along the last axis.
      Tensor g2 = to_dtype(index_input({5, 7, 6}, 7), it);
      Tensor s2 = to_dtype(mul(uniform_input({5, 7, 8}, DType::f32), 50.0), dt);
      CHECK(scatter_add(vk(xd), 2, transpose(vk(g2), 1, 2), transpose(vk(s2), 1, 2)).to_vector<double>() ==
            scatter_add(xd, 2, transpose(g2, 1, 2), transpose(s2, 1, 2)).to_vector<double>());
    }
  }
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: random draws equal the cpu's (Philox)", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  const bool exact_uniform = vulkan::context().float64;
  auto both = [](auto draw) {
    Generator gc(77), gv(77);
    return std::pair{draw(Device::cpu(), gc), draw(Device::vulkan(), gv)};
  };
  for (RandomDist dist : {RandomDist::uniform, RandomDist::normal, RandomDist::bernoulli, RandomDist::randint}) {
    RandomParams params = dist == RandomDist::randint     ? RandomParams{-1000000007, 3000000000.0}
                          : dist == RandomDist::bernoulli ? RandomParams{0.3, 2.5}
                                                          : RandomParams{-0.7, 2.3};
    DType dt = dist == RandomDist::randint ? DType::i64 : DType::f32;
    INFO("dist " << static_cast<int>(dist));
    auto [want, got] = both([&](Device d, Generator& g) {
      Tensor out = make_tensor({1000, 3}, dt, d);
      RandomDraw r = reserve_draw(&g, out.numel());
      random_kernel(d, dist, out, r.seed, r.offset + (uint64_t{1} << 32) - 1500, params);  // counter carries
      return out;
    });
    if (dist == RandomDist::normal) {
      CHECK(scaled_error(got, want, 1e-5, 1e-5) <= 1);
      log_error("random normal", got, want);
    } else if (dist == RandomDist::uniform && !exact_uniform) {
      CHECK(scaled_error(got, want, 0, 1e-7) <= 1);
    } else {
      CHECK(got.to_vector<double>() == want.to_vector<double>());
    }
  }
  // Dropout's mask, rand with a generator, bernoulli from per-element probabilities.
  Tensor x = uniform_input({40, 30}, DType::f32);
  auto [dw, dg] = both([&](Device d, Generator& g) { return dropout(to(x, d), 0.3, true, &g); });
  CHECK(dg.to_vector<float>() == dw.to_vector<float>());
  Tensor p = uniform_input({40, 30}, DType::f32, 0, 1);
  auto [bw, bg] = both([&](Device d, Generator& g) { return bernoulli(to(p, d), &g); });
  CHECK(bg.to_vector<float>() == bw.to_vector<float>());
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: multinomial and top-k / top-p filters", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  Tensor logits = uniform_input({6, 300}, DType::f32, -4, 4);
  Tensor w = exp(logits);
  // Zero weights in a row, and a row with one positive weight only.
  w = mul(w, gt(uniform_input({6, 300}, DType::f32), -0.5));
  w = concat({w, mul(one_hot(Tensor::from_vector<int64_t>({299}, {1}), 300), 3.0)}, 0);
  Generator gc(5), gv(5);
  Tensor want = multinomial(w, 50, &gc), got = multinomial(vk(w), 50, &gv);
  if (vulkan::context().float64) CHECK(got.to_vector<int64_t>() == want.to_vector<int64_t>());
  CHECK_THROWS_WITH(multinomial(vk(Tensor::zeros({2, 4})), 1),
                    Catch::Contains("multinomial") && Catch::Contains("row 0"));
  for (int64_t k : {1, 5, 300, 1000})
    CHECK(top_k_filter(vk(logits), k).to_vector<float>() == top_k_filter(logits, k).to_vector<float>());
  // Ties: the lower index wins, as on the CPU.
  Tensor tied = to_dtype(to_dtype(logits, DType::i32), DType::f32);
  CHECK(top_k_filter(vk(tied), 7).to_vector<float>() == top_k_filter(tied, 7).to_vector<float>());
  for (double p : {0.1, 0.5, 0.9, 1.0})
    CHECK(top_p_filter(vk(logits), p).to_vector<float>() == top_p_filter(logits, p).to_vector<float>());
  Generator sc(9), sv(9);
  CHECK(sample_logits(vk(logits), 0.8, 20, 0.9, &sv).to_vector<int64_t>() ==
        sample_logits(logits, 0.8, 20, 0.9, &sc).to_vector<int64_t>());
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: sgd and adam/adamw fused updates", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  // The same starting point and gradients on both devices; the kernels update in place.
  std::vector<Tensor> init = {uniform_input({1000}, DType::f32), uniform_input({1000}, DType::f32, 0, 1),
                              uniform_input({1000}, DType::f32, 0, 1)};
  std::vector<Tensor> grads;
  for (int i = 0; i < 3; ++i) grads.push_back(uniform_input({1000}, DType::f32));
  auto run = [&](Device d, auto step) {
    Tensor p = contiguous_untracked(to(init[0], d)), s0 = contiguous_untracked(to(init[1], d));
    Tensor s1 = contiguous_untracked(to(init[2], d));
    if (d.is_cpu()) p = clone(p), s0 = clone(s0), s1 = clone(s1);
    for (int i = 1; i <= 3; ++i) step(d, p, to(grads[i - 1], d), s0, s1, i);
    return std::vector<Tensor>{p, s0, s1};
  };
  for (bool decoupled : {false, true}) {
    auto adam = [&](Device d, Tensor& p, const Tensor& g, Tensor& m, Tensor& v, int t) {
      adam_step_kernel(d, p, g, m, v, {1e-2, 0.9, 0.999, 1e-8, 0.01, decoupled, t});
    };
    auto want = run(Device::cpu(), adam), got = run(Device::vulkan(), adam);
    for (size_t k = 0; k < 3; ++k) {
      CHECK(scaled_error(got[k], want[k], 1e-7, 1e-6) <= 1);
      log_error("adam_step", got[k], want[k]);
    }
  }
  for (bool nesterov : {false, true})
    for (double momentum : {0.0, 0.9}) {
      if (nesterov && momentum == 0) continue;
      auto sgd = [&](Device d, Tensor& p, const Tensor& g, Tensor& b, Tensor&, int t) {
        sgd_step_kernel(d, p, g, momentum > 0 ? b : Tensor(), {0.1, momentum, 0.0, 0.01, nesterov, t == 1});
      };
      auto want = run(Device::cpu(), sgd), got = run(Device::vulkan(), sgd);
      for (size_t k = 0; k < 2; ++k) {
        CHECK(scaled_error(got[k], want[k], 1e-7, 1e-6) <= 1);
        log_error("sgd_step", got[k], want[k]);
      }
    }
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}
