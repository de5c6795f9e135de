// Module bookkeeping: dotted names in registration order, train/eval propagation, state
// dicts and the errors of a load that does not fit.
#include <catch2/catch.hpp>

#include "nn/activation.h"
#include "nn/linear.h"
#include "ops/ops.h"

using namespace cadenza;
using Catch::Matchers::Contains;

namespace {
struct Block : nn::Module {
  Block(int64_t in, int64_t out) {
    fc = register_module("fc", std::make_shared<nn::Linear>(in, out));
    act = register_module("act", std::make_shared<nn::ReLU>());
    scale = register_parameter("scale", Tensor::ones({out}));
    count = register_buffer("count", Tensor::zeros({1}, DType::i64));
  }
  std::shared_ptr<nn::Linear> fc;
  std::shared_ptr<nn::ReLU> act;
  Tensor scale, count;
};
struct Net : nn::Module {
  Net() {
    first = register_module("first", std::make_shared<Block>(4, 3));
    second = register_module("second", std::make_shared<Block>(3, 2));
  }
  std::shared_ptr<Block> first, second;
};

std::vector<std::string> names(const nn::NamedTensors& ts) {
  std::vector<std::string> out;
  for (auto& [n, _] : ts) out.push_back(n);
  return out;
}
}  // namespace

TEST_CASE("named_parameters are dotted and in registration order", "[nn][module]") {
  Net net;
  CHECK(names(net.named_parameters()) == std::vector<std::string>{"first.scale", "first.fc.weight", "first.fc.bias",
                                                                  "second.scale", "second.fc.weight",
                                                                  "second.fc.bias"});
  CHECK(names(net.named_buffers()) == std::vector<std::string>{"first.count", "second.count"});
  CHECK(net.num_parameters() == 3 + 12 + 3 + 2 + 6 + 2);
  for (const Tensor& p : net.parameters()) CHECK(p.requires_grad());
  CHECK(net.state_dict().size() == 8);
}

TEST_CASE("registering a name twice or with a dot is an error", "[nn][module]") {
  struct Bad : nn::Module {
    void twice() {
      register_parameter("w", Tensor::ones({1}));
      register_buffer("w", Tensor::ones({1}));
    }
    void dotted() { register_parameter("a.b", Tensor::ones({1})); }
  };
  CHECK_THROWS_WITH(Bad().twice(), Contains("'w' is already registered"));
  CHECK_THROWS_WITH(Bad().dotted(), Contains("invalid name 'a.b'"));
}

TEST_CASE("train and eval reach every submodule", "[nn][module]") {
  Net net;
  CHECK(net.first->fc->is_training());
  net.eval();
  CHECK_FALSE(net.is_training());
  CHECK_FALSE(net.second->act->is_training());
  net.train();
  CHECK(net.second->fc->is_training());
}

TEST_CASE("load_state_dict copies in place and round-trips", "[nn][module]") {
  manual_seed(1);
  Net a;
  manual_seed(2);
  Net b;
  Tensor handle = b.first->fc->weight;
  CHECK(a.first->fc->weight.to_vector<float>() != handle.to_vector<float>());
  b.load_state_dict(a.state_dict());
  CHECK(handle.is_same(b.first->fc->weight));  // the layer keeps its tensor
  CHECK(a.first->fc->weight.to_vector<float>() == handle.to_vector<float>());
  CHECK(handle.requires_grad());
}

TEST_CASE("load_state_dict names missing, unexpected and mismatched entries", "[nn][module]") {
  Net net;
  nn::StateDict sd = net.state_dict();
  sd.erase("second.fc.bias");
  sd.emplace("third.weight", Tensor::ones({1}));
  sd["first.fc.weight"] = Tensor::ones({3, 5});
  sd["first.scale"] = Tensor::ones({3}, DType::f64);
  CHECK_THROWS_WITH(net.load_state_dict(sd),
                    Contains("missing keys: second.fc.bias") && Contains("unexpected keys: third.weight") &&
                        Contains("'first.fc.weight': checkpoint has shape [3, 5], model has [3, 4]") &&
                        Contains("'first.scale': checkpoint has dtype f64, model has f32"));
  // Non-strict loading skips absent and extra keys but still refuses wrong shapes.
  sd["first.fc.weight"] = Tensor::ones({3, 4});
  sd["first.scale"] = Tensor::ones({3});
  net.load_state_dict(sd, /*strict=*/false);
  CHECK(net.first->fc->weight.to_vector<float>() == std::vector<float>(12, 1.0f));
}

TEST_CASE("zero_grad clears every parameter's gradient", "[nn][module]") {
  Net net;
  Tensor x = Tensor::ones({2, 4});
  backward(sum(net.second->fc->forward(net.first->fc->forward(x))));
  CHECK(net.first->fc->weight.grad().defined());
  net.zero_grad();
  for (const Tensor& p : net.parameters()) CHECK_FALSE(p.grad().defined());
}
