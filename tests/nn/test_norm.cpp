// LayerNorm and BatchNorm1d/2d/3d against PyTorch (tests/fixtures/norm.safetensors).
#include <catch2/catch.hpp>

#include "nn/norm.h"
#include "ops/ops.h"
#include "tests/fixtures/parity.h"

using namespace cadenza;
using Catch::Matchers::Contains;

TEST_CASE("LayerNorm matches torch.nn.LayerNorm", "[nn][norm][parity]") {
  parity::Fixture f("norm");
  nn::LayerNorm ln({3, 4});
  parity::check_layer(f, "layer_norm", ln, {"x"}, [&](auto& in) { return ln.forward(in[0]); });
}

namespace {
template <class BN>
void check_batch_norm(const std::string& name, int64_t channels) {
  parity::Fixture f("norm");
  BN bn(channels);
  // Training: batch statistics, running statistics updated from their defaults.
  for (auto& [k, t] : f.with_prefix(name + "_train.start"))
    CHECK(bn.state_dict().at(k).template to_vector<double>() == t.template to_vector<double>());
  parity::check_layer(f, name + "_train", bn, {"x"}, [&](auto& in) { return bn.forward(in[0]); });
  for (auto& [k, t] : f.with_prefix(name + "_train.buffer"))
    parity::check_close(bn.state_dict().at(k), t, name + " running " + k);
  // Evaluation: the running statistics, which stay put.
  BN eval_bn(channels);
  eval_bn.load_state_dict(f.with_prefix(name + "_eval.buffer"), /*strict=*/false);
  eval_bn.eval();
  parity::check_layer(f, name + "_eval", eval_bn, {"x"}, [&](auto& in) { return eval_bn.forward(in[0]); });
  parity::check_close(eval_bn.running_mean, f.get(name + "_eval.buffer.running_mean"), "eval keeps running_mean");
}
}  // namespace

TEST_CASE("BatchNorm1d/2d/3d match PyTorch in training and evaluation", "[nn][norm][parity]") {
  check_batch_norm<nn::BatchNorm1d>("batch_norm1d", 3);
  check_batch_norm<nn::BatchNorm2d>("batch_norm2d", 3);
  check_batch_norm<nn::BatchNorm3d>("batch_norm3d", 2);
}

TEST_CASE("BatchNorm names the rank it expects", "[nn][norm]") {
  nn::BatchNorm2d bn(3);
  CHECK_THROWS_WITH(bn.forward(Tensor::ones({2, 3, 4})),
                    Contains("BatchNorm2d") && Contains("rank 4") && Contains("[2, 3, 4]"));
  CHECK(bn.named_buffers().size() == 3);
}
