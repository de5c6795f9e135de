#include "examples/custom/glu.h"

#include "ops/binary.h"
#include "ops/unary.h"

namespace cadenza::example {

GLU::GLU(int64_t in_features, int64_t out_features, Generator& gen)
    : value_(register_module("value", std::make_shared<nn::Linear>(in_features, out_features, true, gen))),
      gate_(register_module("gate", std::make_shared<nn::Linear>(in_features, out_features, true, gen))) {}

Tensor GLU::forward(const Tensor& x) const { return mul(value_->forward(x), sigmoid(gate_->forward(x))); }

}  // namespace cadenza::example
