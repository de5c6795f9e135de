// Optimizers, schedules and clipping against PyTorch (tests/fixtures/optim.safetensors):
// a Linear(4, 3) regression, mean squared error, parameters compared after 3 steps.
#include <catch2/catch.hpp>

#include "nn/linear.h"
#include "ops/ops.h"
#include "optim/accumulate.h"
#include "optim/adam.h"
#include "optim/clip.h"
#include "optim/schedule.h"
#include "optim/sgd.h"
#include "tests/fixtures/parity.h"

using namespace cadenza;
using Catch::Matchers::Contains;

namespace {

using MakeOpt = std::function<std::unique_ptr<optim::Optimizer>(std::vector<Tensor>)>;

Tensor mse(const Tensor& a, const Tensor& b) { return mean(square(sub(a, b))); }

struct Problem {
  parity::Fixture f{"optim"};
  nn::Linear layer{4, 3};
  Problem() { layer.load_state_dict(f.with_prefix("init")); }
  Tensor loss() { return mse(layer.forward(f.get("x")), f.get("y")); }
  void check(const std::string& name) {
    parity::check_close(layer.weight, f.get(name + ".weight"), name + ": weight");
    parity::check_close(layer.bias, f.get(name + ".bias"), name + ": bias");
  }
};

// Three steps of `make` with an optional schedule and clip; returns the LRs used.
std::vector<double> train3(Problem& p, const MakeOpt& make, const optim::Schedule& sched = {}, double clip = 0) {
  auto opt = make(p.layer.parameters());
  std::vector<double> lrs;
  for (int64_t k = 0; k < 3; ++k) {
    if (sched) opt->set_lr(sched(k));
    opt->zero_grad();
    backward(p.loss());
    if (clip > 0) optim::clip_grad_norm(opt->params(), clip);
    lrs.push_back(opt->lr());
    opt->step();
  }
  return lrs;
}

template <class O, class Opts>
MakeOpt make(Opts o) {
  return [o](std::vector<Tensor> ps) -> std::unique_ptr<optim::Optimizer> { return std::make_unique<O>(ps, o); };
}

}  // namespace

TEST_CASE("optimizers match torch.optim after 3 steps", "[optim][parity]") {
  std::vector<std::pair<std::string, MakeOpt>> cases = {
      {"sgd", make<optim::SGD>(optim::SgdOptions{.lr = 0.1})},
      {"sgd_momentum", make<optim::SGD>(optim::SgdOptions{.lr = 0.1, .momentum = 0.9, .dampening = 0.1})},
      {"sgd_nesterov_wd",
       make<optim::SGD>(optim::SgdOptions{.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01, .nesterov = true})},
      {"adam", make<optim::Adam>(optim::AdamOptions{.lr = 0.01})},
      {"adam_wd", make<optim::Adam>(
                      optim::AdamOptions{.lr = 0.01, .beta1 = 0.8, .beta2 = 0.99, .eps = 1e-6, .weight_decay = 0.1})},
      {"adamw", make<optim::AdamW>(optim::AdamOptions{.lr = 0.01, .weight_decay = 0.1})},
  };
  for (auto& [name, mk] : cases) {
    SECTION(name) {
      Problem p;
      train3(p, mk);
      p.check(name);
    }
  }
}

TEST_CASE("LR schedules match torch.optim.lr_scheduler", "[optim][schedule][parity]") {
  std::vector<std::pair<std::string, optim::Schedule>> cases = {
      {"constant", optim::constant_lr(0.1)},         {"linear_warmup", optim::linear_warmup(0.1, 2)},
      {"cosine", optim::cosine_decay(0.1, 4, 0.01)}, {"exponential", optim::exponential_decay(0.1, 0.5)},
      {"inverse_sqrt", optim::inverse_sqrt(0.1, 2)},
  };
  for (auto& [name, sched] : cases) {
    SECTION(name) {
      Problem p;
      auto lrs = train3(p, make<optim::SGD>(optim::SgdOptions{.lr = 0.1, .momentum = 0.9}), sched);
      parity::check_close(Tensor::from_vector<double>(lrs, {3}), p.f.get("sched_" + name + ".lr"), name + ": lr",
                          1e-12);
      p.check("sched_" + name);
    }
  }
}

TEST_CASE("schedules have the documented shape", "[optim][schedule]") {
  auto cos = optim::cosine_decay(1.0, 10, 0.1);
  CHECK(cos(0) == Approx(1.0));
  CHECK(cos(5) == Approx(0.55));
  CHECK(cos(10) == Approx(0.1));
  CHECK(cos(50) == Approx(0.1));
  auto isq = optim::inverse_sqrt(1.0, 4);
  CHECK(isq(3) == Approx(1.0));  // peak at the end of warm-up
  CHECK(isq(15) == Approx(0.5));
  CHECK_THROWS_WITH(optim::linear_warmup(1.0, 0), Contains("warmup_steps must be positive"));
}

TEST_CASE("clip_grad_norm matches torch.nn.utils.clip_grad_norm_", "[optim][clip][parity]") {
  Problem p;
  train3(p, make<optim::SGD>(optim::SgdOptions{.lr = 0.1}), {}, 0.5);
  p.check("clip");
}

TEST_CASE("clip_grad_norm returns the global norm and leaves small gradients alone", "[optim][clip]") {
  Tensor a = Tensor::zeros({2}), b = Tensor::zeros({1});
  a.set_requires_grad(true), b.set_requires_grad(true);
  a.set_grad(Tensor::from_vector<float>({3, 0}, {2}));
  b.set_grad(Tensor::from_vector<float>({4}, {1}));
  CHECK(optim::clip_grad_norm({a, b}, 10.0) == Approx(5.0));
  CHECK(a.grad().to_vector<float>() == std::vector<float>{3, 0});
  CHECK(optim::clip_grad_norm({a, b}, 1.0) == Approx(5.0));
  CHECK(a.grad().to_vector<float>()[0] == Approx(0.6f));
  CHECK(b.grad().to_vector<float>()[0] == Approx(0.8f));
}

TEST_CASE("k micro-batches of B/k make the same step as one batch of B", "[optim][accumulate]") {
  parity::Fixture f("optim");
  Tensor x = f.get("x"), y = f.get("y");  // B = 6
  auto run = [&](int64_t k) {
    nn::Linear layer(4, 3);
    layer.load_state_dict(f.with_prefix("init"));
    optim::Adam opt(layer.parameters(), {.lr = 0.01});
    optim::GradientAccumulator acc(opt, k);
    int steps = 0;
    for (int epoch = 0; epoch < 2; ++epoch)
      for (int64_t i = 0; i < k; ++i) {
        int64_t n = 6 / k;
        steps += acc.backward(mse(layer.forward(narrow(x, 0, i * n, n)), narrow(y, 0, i * n, n)));
      }
    CHECK(steps == 2);
    CHECK(opt.step_count() == 2);
    return layer.state_dict();
  };
  auto one = run(1);
  for (int64_t k : {2, 3}) {
    auto acc = run(k);
    for (auto& [name, t] : one) parity::check_close(acc[name], t, fmt::format("k={} {}", k, name), 1e-6);
  }
}

TEST_CASE("optimizer state exports and imports: a resumed optimizer continues identically", "[optim][state]") {
  parity::Fixture f("optim");
  auto fresh = [&] {
    auto l = std::make_unique<nn::Linear>(4, 3);
    l->load_state_dict(f.with_prefix("init"));
    return l;
  };
  auto step = [&](nn::Linear& l, optim::Optimizer& o) {
    o.zero_grad();
    backward(mse(l.forward(f.get("x")), f.get("y")));
    o.step();
  };
  for (bool use_adam : {false, true}) {
    auto a = fresh(), b = fresh();
    auto opt_for = [&](nn::Linear& l) -> std::unique_ptr<optim::Optimizer> {
      if (use_adam) return std::make_unique<optim::AdamW>(l.parameters(), optim::AdamOptions{.lr = 0.01});
      return std::make_unique<optim::SGD>(l.parameters(), optim::SgdOptions{.lr = 0.1, .momentum = 0.9});
    };
    auto oa = opt_for(*a);
    for (int i = 0; i < 4; ++i) step(*a, *oa);
    auto ob = opt_for(*b);
    for (int i = 0; i < 2; ++i) step(*b, *ob);
    auto b2 = fresh();
    b2->load_state_dict(b->state_dict());
    auto ob2 = opt_for(*b2);
    ob2->load_state_dict(ob->state_dict());
    CHECK(ob2->step_count() == 2);
    for (int i = 0; i < 2; ++i) step(*b2, *ob2);
    CHECK(a->weight.to_vector<float>() == b2->weight.to_vector<float>());
    CHECK(a->bias.to_vector<float>() == b2->bias.to_vector<float>());
  }
}

TEST_CASE("optimizer state import names a key that does not fit", "[optim][state]") {
  nn::Linear l(4, 3);
  optim::Adam opt(l.parameters(), {});
  nn::StateDict s{{"step", Tensor::scalar(1, DType::i64)}, {"0.exp_avg", Tensor::zeros({3, 5})}};
  CHECK_THROWS_WITH(opt.load_state_dict(s), Contains("'0.exp_avg' has shape [3, 5] (f32), parameter 0 has [3, 4]"));
  s = {{"step", Tensor::scalar(1, DType::i64)}, {"7.exp_avg", Tensor::zeros({3})}};
  CHECK_THROWS_WITH(opt.load_state_dict(s), Contains("unexpected key '7.exp_avg'"));
  CHECK_THROWS_WITH(opt.load_state_dict({}), Contains("missing 'step'"));
}
