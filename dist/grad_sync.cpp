#include "dist/grad_sync.h"

#include <algorithm>
#include <cstring>

#include "engine/error.h"
#include "ops/autograd.h"

namespace cadenza::dist {

GradSync::GradSync(Communicator& comm, std::vector<Tensor> params, size_t bucket_bytes)
    : comm_(comm),
      params_(std::move(params)),
      bucket_of_(params_.size()),
      slot_of_(params_.size()),
      ready_(params_.size()) {
  const size_t cap = std::max<size_t>(bucket_bytes / sizeof(float), 1);
  for (size_t k = params_.size(); k-- > 0;) {
    const Tensor& p = params_[k];
    CADENZA_CHECK(p.dtype() == DType::f32, "data-parallel training needs f32 parameters, not {} (parameter {})",
                  dtype_name(p.dtype()), k);
    const size_t n = static_cast<size_t>(p.numel());
    if (buckets_.empty() || (!buckets_.back().slots.empty() && buckets_.back().buffer.size() + n > cap))
      buckets_.emplace_back();
    Bucket& b = buckets_.back();
    bucket_of_[k] = buckets_.size() - 1;
    slot_of_[k] = b.slots.size();
    b.slots.push_back({k, b.buffer.size()});
    b.buffer.resize(b.buffer.size() + n);
    index_of_[p.impl()] = k;
  }
}

void GradSync::backward(const Tensor& root, const Tensor& grad_output) {
  for (Bucket& b : buckets_) b.ready = 0;
  std::fill(ready_.begin(), ready_.end(), false);
  launched_ = 0;
  {
    GradReadyScope scope([this](const Tensor& leaf) { on_ready(leaf); });
    if (root.defined()) cadenza::backward(root, grad_output);
  }
  // Parameters the loss did not reach on this rank: zeros, so the bucket can go.
  for (size_t k = 0; k < params_.size(); ++k) {
    if (ready_[k]) continue;
    Bucket& b = buckets_[bucket_of_[k]];
    std::fill_n(b.buffer.begin() + static_cast<std::ptrdiff_t>(b.slots[slot_of_[k]].offset), params_[k].numel(), 0.0f);
    ready_[k] = true;
    ++b.ready;
  }
  launch_ready_buckets();
  comm_.wait_all();
  for (size_t k = 0; k < params_.size(); ++k) {
    const Bucket& b = buckets_[bucket_of_[k]];
    const float* sum = b.buffer.data() + b.slots[slot_of_[k]].offset;
    Tensor& p = params_[k];
    p.set_grad(Tensor::from_vector(std::vector<float>(sum, sum + p.numel()), p.shape(), p.device()));
  }
}

void GradSync::on_ready(const Tensor& leaf) {
  const auto it = index_of_.find(leaf.impl());
  if (it == index_of_.end()) return;  // a leaf that is not a synchronised parameter
  const size_t k = it->second;
  CADENZA_CHECK(!ready_[k], "data-parallel backward: parameter {} received its gradient twice in one pass", k);
  ready_[k] = true;
  Bucket& b = buckets_[bucket_of_[k]];
  const Tensor g = leaf.grad();
  float* dst = b.buffer.data() + b.slots[slot_of_[k]].offset;
  if (g.device().is_cpu() && g.is_contiguous())
    std::memcpy(dst, g.data<float>(), sizeof(float) * g.numel());
  else {
    const std::vector<float> host = g.to_vector<float>();
    std::copy(host.begin(), host.end(), dst);
  }
  ++b.ready;
  launch_ready_buckets();
  comm_.progress();
}

void GradSync::launch_ready_buckets() {
  while (launched_ < buckets_.size() && buckets_[launched_].ready == buckets_[launched_].slots.size())
    comm_.start_allreduce_sum(buckets_[launched_++].buffer);
}

}  // namespace cadenza::dist
