// Walks the op registry: every differentiable op must bring samples, and each sample must
// pass first- and second-order finite-difference checks in f64, on dense and strided inputs.
#include <catch2/catch.hpp>

#include "engine/op_registry.h"
#include "ops/gradcheck.h"
#include "ops/ops.h"

using namespace cadenza;

TEST_CASE("every differentiable op has gradient-check samples", "[gradcheck]") {
  REQUIRE(OpRegistry::all().size() > 40);
  for (const OpInfo& op : OpRegistry::all()) {
    if (!op.differentiable) continue;
    INFO("op " << op.name);
    REQUIRE(op.samples);
    CHECK(!op.samples(DType::f64).empty());
  }
}

TEST_CASE("every op passes first- and second-order gradcheck in f64", "[gradcheck]") {
  int checked = 0;
  for (const OpInfo& op : OpRegistry::all()) {
    if (!op.differentiable || !op.samples) continue;
    for (const OpSample& s : op.samples(DType::f64)) {
      for (bool strided : {false, true}) {
        GradcheckOptions o;
        o.eps = s.eps;
        o.atol = std::max(o.atol, s.tolerance);
        o.differentiable = s.differentiable;
        o.noncontiguous = strided;
        INFO("op " << op.name << ", sample " << s.label << (strided ? ", strided" : ", dense"));
        GradcheckResult r1 = gradcheck(s.run, s.inputs, o);
        INFO(r1.message);
        CHECK(r1.ok);
        if (s.second_order) {
          GradcheckResult r2 = gradgradcheck(s.run, s.inputs, o);
          INFO(r2.message);
          CHECK(r2.ok);
        }
        ++checked;
      }
    }
  }
  CHECK(checked > 80);
}

namespace {
// A deliberately broken op: forward x^2, backward claims factor * x.
TensorFn broken_square(double factor) {
  return [factor](const std::vector<Tensor>& in) {
    Tensor y = in[0].detach();
    Tensor out = Tensor::from_vector<double>(
        [&] {
          auto v = y.to_vector<double>();
          for (auto& e : v) e = e * e;
          return v;
        }(),
        y.shape());
    record("broken_square", {in[0]}, {out}, {in[0]},
           [factor](const std::vector<Tensor>& g, const std::vector<Tensor>& s) {
             return std::vector<Tensor>{mul(g[0], mul(s[0], factor))};
           });
    return std::vector<Tensor>{out};
  };
}
}  // namespace

TEST_CASE("gradcheck catches a wrong backward, even one off by 0.1%", "[gradcheck]") {
  Tensor x = Tensor::from_vector<double>({0.5, -1.25, 2.0}, {3});
  CHECK(gradcheck(broken_square(2.0), {x}).ok);
  CHECK_FALSE(gradcheck(broken_square(3.0), {x}).ok);
  CHECK_FALSE(gradcheck(broken_square(2.002), {x}).ok);
}
