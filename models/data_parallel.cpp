#include "models/data_parallel.h"

#include <array>
#include <cmath>

#include "engine/error.h"
#include "ops/ops.h"

namespace cadenza::models {

DataParallel::DataParallel(dist::Communicator* comm, Model& model, int64_t batch_size) {
  if (!comm || comm->size() == 1) return;
  comm_ = comm;
  CADENZA_CHECK(batch_size >= comm->size(), "batch size {} is smaller than the {} ranks: every rank needs a row",
                batch_size, comm->size());
  const std::vector<Tensor> params = model.parameters();
  NoGradGuard no_grad;
  for (const Tensor& p : params) {
    CADENZA_CHECK(p.dtype() == DType::f32, "data-parallel training needs f32 parameters, not {}",
                  dtype_name(p.dtype()));
    std::vector<float> values = p.to_vector<float>();
    comm->broadcast(values, 0);
    copy_(p, Tensor::from_vector(values, p.shape(), p.device()));
  }
  sync_.emplace(*comm, params);
}

Batch DataParallel::shard(const Batch& global) const {
  if (!comm_) return global;
  const int64_t b = global.inputs.shape().at(0), r = rank(), n = size();
  CADENZA_CHECK(b >= n, "a batch of {} rows cannot be shared by {} ranks", b, n);
  const int64_t begin = r * b / n, end = (r + 1) * b / n;
  auto rows = [&](const Tensor& t) { return t.defined() ? contiguous(narrow(t, 0, begin, end - begin)) : t; };
  return {rows(global.inputs), rows(global.targets), rows(global.mask), rows(global.condition)};
}

GlobalStep DataParallel::backward(const LossResult& local, bool stop_requested) {
  const double loss = local.loss.item<double>();
  if (!comm_) {
    if (std::isfinite(loss)) cadenza::backward(local.loss);
    return {loss, local.steps, stop_requested};
  }
  // One small sum gives every rank the global loss, the weights and the stop decision, so
  // all of them take the same branch (a rank leaving the loop alone would hang the rest).
  std::array<double, 3> totals{local.steps, local.steps > 0 ? loss * local.steps : 0.0, stop_requested ? 1.0 : 0.0};
  comm_->allreduce_sum(totals);
  const GlobalStep g{totals[1] / totals[0], totals[0], totals[2] > 0};
  // A rank whose rows have no counted step (all padding) has a 0/0 loss: it adds zeros.
  if (std::isfinite(g.loss))
    sync_->backward(local.steps > 0 ? local.loss : Tensor(),
                    Tensor::full(local.loss.shape(), local.steps / totals[0], local.loss.dtype(), local.loss.device()));
  return g;
}

}  // namespace cadenza::models
