#include "ops/norm.h"

#include "engine/autograd.h"
#include "engine/op_registry.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/reduce.h"
#include "ops/samples.h"
#include "ops/unary.h"
#include "ops/view.h"

namespace cadenza {
namespace {

// (x - mean) / sqrt(var + eps), then the optional affine transform (already broadcastable).
Tensor normalize(const Tensor& x, const Tensor& mu, const Tensor& var, double eps, const Tensor& weight,
                 const Tensor& bias) {
  Tensor y = mul(sub(x, mu), rsqrt(add(var, eps)));
  if (weight.defined()) y = mul(y, weight);
  if (bias.defined()) y = add(y, bias);
  return y;
}

void check_param(const char* op, const char* what, const Tensor& p, const Shape& want, const Tensor& x) {
  if (!p.defined()) return;
  CADENZA_CHECK(p.shape() == want, "{}: {} {} must have shape {} for input {}", op, what, shape_str(p.shape()),
                shape_str(want), shape_str(x.shape()));
}

}  // namespace

Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps) {
  const int64_t k = static_cast<int64_t>(normalized_shape.size());
  CADENZA_CHECK(k >= 1 && k <= x.dim() && Shape(x.shape().end() - k, x.shape().end()) == normalized_shape,
                "layer_norm: input {} does not end with normalized_shape {}", shape_str(x.shape()),
                shape_str(normalized_shape));
  check_param("layer_norm", "weight", weight, normalized_shape, x);
  check_param("layer_norm", "bias", bias, normalized_shape, x);
  Axes axes;
  for (int64_t d = x.dim() - k; d < x.dim(); ++d) axes.push_back(d);
  Tensor mu = mean(x, axes, true);
  Tensor var = mean(square(sub(x, mu)), axes, true);
  return normalize(x, mu, var, eps, weight, bias);
}

Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps) {
  CADENZA_CHECK(x.dim() >= 2, "batch_norm: input {} must be [N, C, ...]", shape_str(x.shape()));
  const int64_t C = x.size(1);
  for (auto [what, p] :
       {std::pair{"running_mean", &running_mean}, {"running_var", &running_var}, {"weight", &weight}, {"bias", &bias}})
    check_param("batch_norm", what, *p, {C}, x);
  CADENZA_CHECK(running_mean.defined() == running_var.defined(),
                "batch_norm: give both running_mean and running_var, or neither");
  Shape channel(x.dim(), 1);  // [1, C, 1, ...]: per-channel values broadcast over x
  channel[1] = C;
  auto per_channel = [&](const Tensor& p) { return p.defined() ? reshape(p, channel) : p; };
  Axes axes;
  for (int64_t d = 0; d < x.dim(); ++d)
    if (d != 1) axes.push_back(d);

  if (!training && running_mean.defined())
    return normalize(x, per_channel(running_mean), per_channel(running_var), eps, per_channel(weight),
                     per_channel(bias));

  const int64_t n = x.numel() / std::max<int64_t>(C, 1);
  CADENZA_CHECK(n > 1, "batch_norm: input {} has {} value per channel; training needs more than 1",
                shape_str(x.shape()), n);
  Tensor mu = mean(x, axes, true);
  Tensor var = mean(square(sub(x, mu)), axes, true);
  if (training && running_mean.defined()) {
    NoGradGuard ng;
    const double unbias = static_cast<double>(n) / static_cast<double>(n - 1);
    copy_(running_mean, add(mul(running_mean, 1 - momentum), mul(reshape(mu.detach(), {C}), momentum)));
    copy_(running_var, add(mul(running_var, 1 - momentum), mul(reshape(var.detach(), {C}), momentum * unbias)));
  }
  return normalize(x, mu, var, eps, per_channel(weight), per_channel(bias));
}

// ---- registry samples
namespace {
using testing::uniform_input;
const bool registered = [] {
  OpRegistry::add(
      {"layer_norm", true, [](DType dt) {
         return std::vector<OpSample>{
             {"[3,4] over [4], affine",
              {uniform_input({3, 4}, dt, -2, 2), uniform_input({4}, dt), uniform_input({4}, dt)},
              [](const std::vector<Tensor>& x) { return std::vector<Tensor>{layer_norm(x[0], {4}, x[1], x[2])}; }},
             {"[2,3,2] over [3,2]",
              {uniform_input({2, 3, 2}, dt, -2, 2)},
              [](const std::vector<Tensor>& x) {
                return std::vector<Tensor>{layer_norm(x[0], {3, 2})};
              }},
         };
       }});
  OpRegistry::add(
      {"batch_norm", true, [](DType dt) {
         // Running stats are inputs that are not differentiated (so a backend test can move
         // them with the rest): training updates them in place, which must not change the
         // output; evaluation reads fixed ones. The training sample gets its own copies.
         Tensor rm = uniform_input({3}, dt), rv = uniform_input({3}, dt, 0.5, 2);
         const std::vector<bool> not_stats = {true, true, true, false, false};
         auto with_stats = [](bool training) {
           return [training](const std::vector<Tensor>& x) {
             return std::vector<Tensor>{batch_norm(x[0], x[3], x[4], x[1], x[2], training)};
           };
         };
         return std::vector<OpSample>{
             {"training [4,3,2], affine",
              {uniform_input({4, 3, 2}, dt, -2, 2), uniform_input({3}, dt), uniform_input({3}, dt), clone(rm),
               clone(rv)},
              with_stats(true),
              not_stats},
             {"training [5,2] no stats",
              {uniform_input({5, 2}, dt, -2, 2)},
              [](const std::vector<Tensor>& x) { return std::vector<Tensor>{batch_norm(x[0], {}, {}, {}, {}, true)}; }},
             {"eval [2,3,2], affine",
              {uniform_input({2, 3, 2}, dt, -2, 2), uniform_input({3}, dt), uniform_input({3}, dt), rm, rv},
              with_stats(false),
              not_stats},
         };
       }});
  return true;
}();
}  // namespace

}  // namespace cadenza
