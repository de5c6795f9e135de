#include "models/eval_session.h"

#include "engine/error.h"
#include "models/model.h"
#include "ops/ops.h"

namespace cadenza::models {
namespace {

// No state to carry: every window is scored alone.
class WindowSession final : public EvalSession {
 public:
  explicit WindowSession(Model& model) : model_(model) {}
  LossResult loss(const Batch& batch) override { return model_.loss(batch); }
  bool carries_state() const override { return false; }

 private:
  Model& model_;
};

}  // namespace

std::unique_ptr<EvalSession> Model::eval_session() { return std::make_unique<WindowSession>(*this); }

Tensor carried_rows(const Tensor& state, const Tensor& carry, int64_t axis) {
  if (!state.defined() || !carry.defined()) return Tensor();
  CADENZA_CHECK(carry.dim() == 1, "eval: carry should be [B], got {}", shape_str(carry.shape()));
  const std::vector<int64_t> from = cadenza::to(carry, Device::cpu()).to_vector<int64_t>();
  const int64_t rows = state.size(axis), n = int64_t(from.size());
  std::vector<int64_t> index(from.size());
  std::vector<float> keep(from.size());
  bool any = false, same = n == rows;
  for (int64_t b = 0; b < n; ++b) {
    CADENZA_CHECK(from[size_t(b)] >= -1 && from[size_t(b)] < rows,
                  "eval: row {} carries row {} of a state with {} rows", b, from[size_t(b)], rows);
    any |= from[size_t(b)] >= 0;
    same &= from[size_t(b)] == b;
    index[size_t(b)] = std::max<int64_t>(from[size_t(b)], 0);
    keep[size_t(b)] = from[size_t(b)] >= 0 ? 1.f : 0.f;
  }
  if (!any) return Tensor();
  if (same) return state;  // every row continues in place
  Shape shape(static_cast<size_t>(state.dim()), 1);
  shape[static_cast<size_t>(axis)] = n;
  const Tensor picked =
      index_select(state, axis, cadenza::to(Tensor::from_vector<int64_t>(index, {n}), state.device()));
  const Tensor mask = cadenza::to(Tensor::from_vector<float>(keep, shape), state.device());
  return mul(picked, to_dtype(mask, state.dtype()));
}

}  // namespace cadenza::models
