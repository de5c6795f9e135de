#include "ops/loss.h"

#include "engine/autograd.h"
#include "engine/op_registry.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/reduce.h"
#include "ops/samples.h"
#include "ops/softmax.h"
#include "ops/unary.h"
#include "ops/view.h"

namespace cadenza {
namespace {

Tensor reduce_loss(const Tensor& loss, Reduction r) {
  switch (r) {
    case Reduction::none: return loss;
    case Reduction::sum: return sum(loss);
    case Reduction::mean: return mean(loss);
  }
  return loss;
}

// The targets of a class-scoring loss as constant masks in the scores' dtype:
// `valid` [...] is 1 where the target is not ignored, `pick` [..., C] is 1 at each valid
// row's target class. (Selecting with a one-hot mask keeps the loss a composition of
// existing ops; a gather op would avoid materialising the [..., C] mask.)
struct TargetMasks {
  Tensor valid, pick;
};

TargetMasks target_masks(const char* op, const Tensor& scores, const Tensor& target, int64_t ignore_index) {
  CADENZA_CHECK(scores.dim() >= 1, "{}: scores need a class axis, got shape {}", op, shape_str(scores.shape()));
  CADENZA_CHECK(target.dtype() == DType::i64 || target.dtype() == DType::i32,
                "{}: target must be an index tensor (i64 or i32), got {}", op, dtype_name(target.dtype()));
  Shape rows(scores.shape().begin(), scores.shape().end() - 1);
  CADENZA_CHECK(target.shape() == rows, "{}: scores {} need target of shape {}, got {}", op, shape_str(scores.shape()),
                shape_str(rows), shape_str(target.shape()));
  const int64_t C = scores.size(-1);
  for (int64_t t : to_dtype(target, DType::i64).to_vector<int64_t>())
    CADENZA_CHECK(t == ignore_index || (t >= 0 && t < C), "{}: target {} out of range for {} classes", op, t, C);
  NoGradGuard ng;
  Tensor t = to_dtype(target, scores.dtype());
  Tensor classes = to_dtype(Tensor::arange(C, DType::i64, scores.device()), scores.dtype());
  Tensor valid = ne(t, static_cast<double>(ignore_index));
  return {valid, mul(eq(unsqueeze(t, -1), classes), unsqueeze(valid, -1))};
}

// -log p[target] per row. where(), not a product with the mask: a class whose logit is
// -inf (masked out of the vocabulary) must not turn 0 * -inf into NaN.
Tensor picked_nll(const Tensor& log_probs, const Tensor& pick) {
  return neg(sum(where(pick, log_probs, scalar_like(log_probs, 0)), {-1}));
}

// Mean over the valid rows (NaN when there are none, as PyTorch), else reduce_loss.
Tensor reduce_rows(const Tensor& loss, const Tensor& valid, Reduction r) {
  if (r != Reduction::mean) return reduce_loss(loss, r);
  return div(sum(loss), sum(valid));
}

}  // namespace

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, int64_t ignore_index, Reduction reduction) {
  TargetMasks m = target_masks("nll_loss", log_probs, target, ignore_index);
  return reduce_rows(picked_nll(log_probs, m.pick), m.valid, reduction);
}

Tensor cross_entropy(const Tensor& logits, const Tensor& target, const CrossEntropyOptions& o) {
  CADENZA_CHECK(o.label_smoothing >= 0 && o.label_smoothing <= 1, "cross_entropy: label_smoothing {} outside [0, 1]",
                o.label_smoothing);
  TargetMasks m = target_masks("cross_entropy", logits, target, o.ignore_index);
  Tensor logp = log_softmax(logits, -1);
  Tensor loss = picked_nll(logp, m.pick);
  if (o.label_smoothing > 0) {
    const double eps = o.label_smoothing, C = static_cast<double>(logits.size(-1));
    Tensor smooth = mul(neg(sum(logp, {-1})), m.valid);
    loss = add(mul(loss, 1.0 - eps), mul(smooth, eps / C));
  }
  return reduce_rows(loss, m.valid, o.reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& x, const Tensor& t, const Tensor& pos_weight,
                                        Reduction reduction) {
  CADENZA_CHECK(x.shape() == t.shape(), "binary_cross_entropy_with_logits: logits {} and targets {} differ",
                shape_str(x.shape()), shape_str(t.shape()));
  // softplus(-x) = log(1 + e^-x), written so that neither exp can overflow.
  Tensor softplus_neg = add(log1p(exp(neg(abs(x)))), relu(neg(x)));
  Tensor positive = softplus_neg;
  if (pos_weight.defined()) positive = mul(positive, add(mul(t, sub(pos_weight, 1.0)), 1.0));
  Tensor loss = add(mul(rsub(1.0, t), x), positive);
  CADENZA_CHECK(loss.shape() == x.shape(), "binary_cross_entropy_with_logits: pos_weight {} does not broadcast to {}",
                shape_str(pos_weight.shape()), shape_str(x.shape()));
  return reduce_loss(loss, reduction);
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  CADENZA_CHECK(input.shape() == target.shape(), "mse_loss: input {} and target {} differ", shape_str(input.shape()),
                shape_str(target.shape()));
  return reduce_loss(square(sub(input, target)), reduction);
}

// ---- registry samples. Targets are index tensors, so only the scores are differentiated.
namespace {
using testing::index_input;
using testing::uniform_input;
using Fn = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;

Tensor with_ignored(Tensor target, int64_t row, int64_t ignore_index) {
  auto v = target.to_vector<int64_t>();
  v[row] = ignore_index;
  return Tensor::from_vector<int64_t>(v, target.shape());
}

const bool registered = [] {
  OpRegistry::add({"cross_entropy", true, [](DType dt) {
                     auto ce = [](CrossEntropyOptions o) -> Fn {
                       return [o](const std::vector<Tensor>& x) {
                         return std::vector<Tensor>{cross_entropy(x[0], x[1], o)};
                       };
                     };
                     return std::vector<OpSample>{
                         {"[4,5] mean", {uniform_input({4, 5}, dt, -2, 2), index_input({4}, 5)}, ce({})},
                         {"[2,3,4] smoothing 0.1, ignore, sum",
                          {uniform_input({2, 3, 4}, dt, -2, 2), with_ignored(index_input({2, 3}, 4), 1, 3)},
                          ce({3, 0.1, Reduction::sum})},
                         {"[3,4] smoothing 0.2, none",
                          {uniform_input({3, 4}, dt, -2, 2), index_input({3}, 4)},
                          ce({-100, 0.2, Reduction::none})},
                     };
                   }});
  OpRegistry::add({"nll_loss", true, [](DType dt) {
                     return std::vector<OpSample>{
                         {"[4,3] ignore",
                          {uniform_input({4, 3}, dt, -3, -0.1), with_ignored(index_input({4}, 3), 2, -100)},
                          [](const std::vector<Tensor>& x) { return std::vector<Tensor>{nll_loss(x[0], x[1])}; }}};
                   }});
  OpRegistry::add(
      {"binary_cross_entropy_with_logits", true, [](DType dt) {
         return std::vector<OpSample>{
             {"[3,4]",
              {uniform_input({3, 4}, dt, -3, 3), uniform_input({3, 4}, dt, 0, 1)},
              [](const std::vector<Tensor>& x) {
                return std::vector<Tensor>{binary_cross_entropy_with_logits(x[0], x[1])};
              }},
             {"[3,4] pos_weight [4], none",
              {uniform_input({3, 4}, dt, -3, 3), uniform_input({3, 4}, dt, 0, 1), uniform_input({4}, dt, 0.5, 3)},
              [](const std::vector<Tensor>& x) {
                return std::vector<Tensor>{binary_cross_entropy_with_logits(x[0], x[1], x[2], Reduction::none)};
              }},
         };
       }});
  OpRegistry::add({"mse_loss", true, [](DType dt) {
                     return std::vector<OpSample>{
                         {"[3,4]",
                          {uniform_input({3, 4}, dt), uniform_input({3, 4}, dt)},
                          [](const std::vector<Tensor>& x) { return std::vector<Tensor>{mse_loss(x[0], x[1])}; }}};
                   }});
  return true;
}();
}  // namespace

}  // namespace cadenza
