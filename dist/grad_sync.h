#pragma once
// Summing parameter gradients over the ranks of a data-parallel job while backward runs.
//
// The parameters are packed, last one first, into buckets of about `bucket_bytes` of f32
// (a parameter larger than that gets a bucket of its own). Backward produces gradients
// roughly in reverse order of the forward pass, so the last parameters' bucket fills
// first. Each time a gradient is final (ops/autograd.h GradReadyScope) it is copied into
// its bucket; a full bucket's allreduce starts at once and proceeds while backward
// computes the rest — the scheme of PyTorch DDP and Horovod. Buckets start strictly in
// index order, so every rank issues the same collectives in the same order even when its
// gradients arrive in another order. After backward, what is left is started, everything
// is awaited, and each parameter's .grad becomes the sum over the ranks.
//
// A parameter that received no gradient on this rank contributes zeros (and so always
// ends up with a defined gradient, unlike a single-process run where it stays undefined).
#include <cstddef>
#include <unordered_map>
#include <vector>

#include "dist/communicator.h"
#include "engine/tensor.h"

namespace cadenza::dist {

class GradSync {
 public:
  GradSync(Communicator& comm, std::vector<Tensor> params, size_t bucket_bytes = size_t{25} << 20);

  // backward(root, grad_output), then the sum over the ranks of every parameter's gradient
  // in its .grad. Every rank must call it for every step; a rank with nothing to add (no
  // counted step in its rows) passes an undefined root and contributes zeros.
  void backward(const Tensor& root, const Tensor& grad_output = {});

  size_t bucket_count() const { return buckets_.size(); }

 private:
  struct Slot {
    size_t param;
    size_t offset;  // in the bucket's buffer, in floats
  };
  struct Bucket {
    std::vector<float> buffer;
    std::vector<Slot> slots;
    size_t ready = 0;
  };

  void on_ready(const Tensor& leaf);
  void launch_ready_buckets();

  Communicator& comm_;
  std::vector<Tensor> params_;
  std::vector<Bucket> buckets_;
  std::vector<size_t> bucket_of_;                     // per parameter
  std::vector<size_t> slot_of_;                       // per parameter: index in its bucket's slots
  std::vector<bool> ready_;                           // per parameter, this pass
  std::unordered_map<const void*, size_t> index_of_;  // TensorImpl -> parameter
  size_t launched_ = 0;                               // buckets started this pass
};

}  // namespace cadenza::dist
