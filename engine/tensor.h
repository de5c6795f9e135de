#pragma once
// Tensor: a shared handle to storage + shape + strides + offset + dtype + device, plus the
// autograd fields. Copying a Tensor copies the handle, never the data. The operations on
// tensors are free functions in ops/ (cadenza::add, cadenza::matmul, ...); this class holds
// only what needs no kernel: metadata, raw views, element access and factories that fill
// host memory.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/device.h"
#include "engine/dtype.h"
#include "engine/shape.h"
#include "engine/storage.h"

namespace cadenza {

class Node;
class Tensor;

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  Shape strides;       // in elements
  int64_t offset = 0;  // in elements
  DType dtype = DType::f32;

  // Autograd. A tensor made by a differentiable op points at the node that made it; a
  // leaf that requires grad collects its gradient in `grad`.
  bool requires_grad = false;
  std::shared_ptr<Node> grad_fn;
  uint32_t output_nr = 0;
  std::shared_ptr<TensorImpl> grad;
  std::weak_ptr<Node> grad_accumulator;
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool is_same(const Tensor& o) const { return impl_ == o.impl_; }

  // --- metadata
  const Shape& shape() const { return impl_->shape; }
  const Shape& strides() const { return impl_->strides; }
  int64_t offset() const { return impl_->offset; }
  int64_t dim() const { return static_cast<int64_t>(impl_->shape.size()); }
  int64_t size(int64_t axis) const;  // negative axes count from the end
  int64_t stride(int64_t axis) const;
  int64_t numel() const { return cadenza::numel(impl_->shape); }
  DType dtype() const { return impl_->dtype; }
  Device device() const { return impl_->storage->device(); }
  const std::shared_ptr<Storage>& storage() const { return impl_->storage; }
  bool is_contiguous() const;

  // --- raw data (CPU only; checks dtype). Points at element [0, ..., 0] of this view.
  template <class T>
  T* data() const;
  void* raw_data() const;

  // Copies the elements out in row-major order (works on any device and any strides).
  template <class T>
  std::vector<T> to_vector() const;
  // The single element of a one-element tensor, converted to T.
  template <class T>
  T item() const;

  // --- views that share storage and record no autograd history (ops/view.h has the
  // differentiable ones)
  Tensor as_strided(Shape shape, Shape strides, int64_t offset) const;
  Tensor detach() const;  // same data, no history, requires_grad = false

  // --- autograd
  bool requires_grad() const { return impl_->requires_grad; }
  Tensor& set_requires_grad(bool r);  // leaves only
  bool is_leaf() const { return impl_->grad_fn == nullptr; }
  const std::shared_ptr<Node>& grad_fn() const { return impl_->grad_fn; }
  Tensor grad() const;  // undefined if no gradient has been accumulated
  void set_grad(const Tensor& g);
  void zero_grad() { impl_->grad.reset(); }

  uint64_t version() const { return impl_->storage->version(); }
  // Every in-place write calls this; it invalidates tensors saved for backward.
  void bump_version() const { impl_->storage->bump_version(); }

  // --- factories (data filled on the host, then moved to `device`)
  static Tensor empty(Shape shape, DType dtype = DType::f32, Device device = Device::cpu());
  static Tensor zeros(Shape shape, DType dtype = DType::f32, Device device = Device::cpu());
  static Tensor ones(Shape shape, DType dtype = DType::f32, Device device = Device::cpu());
  static Tensor full(Shape shape, double value, DType dtype = DType::f32, Device device = Device::cpu());
  static Tensor scalar(double value, DType dtype = DType::f32, Device device = Device::cpu());
  static Tensor arange(int64_t n, DType dtype = DType::i64, Device device = Device::cpu());
  template <class T>
  static Tensor from_vector(const std::vector<T>& values, Shape shape, Device device = Device::cpu());
  // Copies into a new tensor of another dtype (host conversion; used by factories and tests).
  template <class T>
  static Tensor from_values(const std::vector<double>& values, Shape shape) {
    std::vector<T> v(values.begin(), values.end());
    return from_vector<T>(v, std::move(shape));
  }

  // Readable multi-line rendering, PyTorch-like, abbreviated for large tensors.
  std::string str() const;

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// A fresh contiguous tensor with the given layout (no data written).
Tensor make_tensor(Shape shape, DType dtype, Device device);

// Host copy of any tensor's elements in row-major order, as raw bytes of its dtype.
std::vector<std::byte> host_bytes(const Tensor& t);

}  // namespace cadenza

#include <fmt/format.h>
template <>
struct fmt::formatter<cadenza::Tensor> : fmt::formatter<std::string> {
  auto format(const cadenza::Tensor& t, format_context& ctx) const {
    return fmt::formatter<std::string>::format(t.str(), ctx);
  }
};
