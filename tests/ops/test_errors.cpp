// Shape and dtype errors name the op and the shapes involved.
#include <catch2/catch.hpp>

#include "ops/ops.h"

using namespace cadenza;
using Catch::Matchers::Contains;

TEST_CASE("shape errors name the op and both shapes", "[errors]") {
  Tensor a = Tensor::zeros({2, 3}), b = Tensor::zeros({4, 5});
  CHECK_THROWS_WITH(add(a, b), Contains("add") && Contains("[2, 3]") && Contains("[4, 5]"));
  CHECK_THROWS_WITH(matmul(a, b), Contains("matmul") && Contains("[2, 3]") && Contains("[4, 5]"));
  CHECK_THROWS_WITH(reshape(a, {4}), Contains("reshape") && Contains("[2, 3]") && Contains("[4]"));
  CHECK_THROWS_WITH(concat({a, b}, 0), Contains("concat") && Contains("[2, 3]") && Contains("[4, 5]"));
  CHECK_THROWS_WITH(narrow(a, 1, 2, 5), Contains("narrow") && Contains("[2, 3]"));
  CHECK_THROWS_WITH(sum(a, {2}), Contains("sum") && Contains("axis 2"));
  CHECK_THROWS_WITH(squeeze(a, 0), Contains("squeeze"));
  CHECK_THROWS_WITH(expand(a, {4, 3}), Contains("expand") && Contains("[2, 3]") && Contains("[4, 3]"));
}

TEST_CASE("dtype mismatches are errors, not silent conversions", "[errors]") {
  Tensor a = Tensor::zeros({2}), d = Tensor::zeros({2}, DType::f64);
  CHECK_THROWS_WITH(mul(a, d), Contains("mul") && Contains("f32") && Contains("f64"));
  CHECK_THROWS_WITH(exp(Tensor::arange(3)), Contains("floating"));
}
