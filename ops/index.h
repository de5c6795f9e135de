#pragma once
// Indexing: selecting, gathering and scattering along an axis, embeddings, one-hot codes,
// masking. Index tensors are i32 or i64; an index outside its axis is an error naming the
// op, the index and the axis size (checked before any kernel runs). Two pairs of
// primitives do all the work and are each other's backward, so every derivative order
// works: index_select <-> index_add and gather <-> scatter_add.
#include "engine/kernel.h"
#include "engine/tensor.h"

namespace cadenza {

// out = x with `axis` replaced by idx: out[o, j, i] = x[o, idx[j], i] (x, out contiguous;
// idx contiguous too; o runs over the axes before `axis`, i over those after it).
extern Kernel<void(const Tensor& x, int64_t axis, const Tensor& idx, const Tensor& out)> index_select_kernel;
// out[o, idx[j], i] += src[o, j, i] (out, idx, src contiguous); duplicates accumulate.
extern Kernel<void(const Tensor& out, int64_t axis, const Tensor& idx, const Tensor& src)> index_add_kernel;
// out[m] = x[m with m[axis] = idx[m]] for every position m of idx (any strides).
extern Kernel<void(const Tensor& x, int64_t axis, const Tensor& idx, const Tensor& out)> gather_kernel;
// out[m with m[axis] = idx[m]] += src[m] for every position m of idx (any strides; src is
// at least idx's size on every axis).
extern Kernel<void(const Tensor& out, int64_t axis, const Tensor& idx, const Tensor& src)> scatter_add_kernel;

// x's slices idx[0], idx[1], ... along `axis` (idx 1-D; repeats allowed).
Tensor index_select(const Tensor& x, int64_t axis, const Tensor& idx);
// base + src added into the slices idx[j] of `axis`; src is base's shape with that axis
// of size idx.numel(). Differentiable in base and src.
Tensor index_add(const Tensor& base, int64_t axis, const Tensor& idx, const Tensor& src);
// PyTorch's gather: idx has x's rank, idx.size(d) <= x.size(d) for d != axis, and
// out[i][j][k] = x[i][idx[i][j][k]][k] for axis 1. The result has idx's shape.
Tensor gather(const Tensor& x, int64_t axis, const Tensor& idx);
// PyTorch's scatter_add (out-of-place): base + src[i][j][k] added at [i][idx[i][j][k]][k]
// for axis 1. src is at least idx's size on every axis (the excess is ignored); idx is at
// most base's size on every axis but `axis`. Differentiable in base and src.
Tensor scatter_add(const Tensor& base, int64_t axis, const Tensor& idx, const Tensor& src);
// Rows of weight [num, dim] picked by idx of any shape: the result is idx.shape + [dim].
Tensor embedding(const Tensor& weight, const Tensor& idx);

// Not differentiable: a trailing axis of n holding 1 at idx and 0 elsewhere.
Tensor one_hot(const Tensor& idx, int64_t n, DType dtype = DType::f32);
// x with `value` where mask (broadcast to x's shape; any dtype) is nonzero. Differentiable
// in x (the filled positions get no gradient).
Tensor masked_fill(const Tensor& x, const Tensor& mask, double value);
// Not differentiable: [n, m] with 1 where column - row >= diagonal (triu) or
// <= diagonal (tril), else 0. A causal attention mask is masked_fill(scores,
// triu_mask(t, t, 1), -inf).
Tensor triu_mask(int64_t n, int64_t m, int64_t diagonal = 0, DType dtype = DType::f32, Device device = Device::cpu());
Tensor tril_mask(int64_t n, int64_t m, int64_t diagonal = 0, DType dtype = DType::f32, Device device = Device::cpu());

}  // namespace cadenza
