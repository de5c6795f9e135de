#include "engine/tensor.h"

#include <cstring>

#include "engine/error.h"

namespace cadenza {

Tensor make_tensor(Shape shape, DType dtype, Device device) {
  auto impl = std::make_shared<TensorImpl>();
  int64_t n = cadenza::numel(shape);
  CADENZA_CHECK(n >= 0, "tensor: negative dimension in shape {}", shape_str(shape));
  impl->storage = std::make_shared<Storage>(static_cast<size_t>(n) * dtype_size(dtype), device);
  impl->strides = contiguous_strides(shape);
  impl->shape = std::move(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

int64_t Tensor::size(int64_t axis) const { return impl_->shape[normalize_axis("size", axis, dim())]; }

int64_t Tensor::stride(int64_t axis) const { return impl_->strides[normalize_axis("stride", axis, dim())]; }

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (int64_t i = dim() - 1; i >= 0; --i) {
    if (impl_->shape[i] == 1) continue;
    if (impl_->strides[i] != expected) return false;
    expected *= impl_->shape[i];
  }
  return true;
}

void* Tensor::raw_data() const {
  CADENZA_CHECK(device().is_cpu(), "raw_data: tensor is on {}, copy it to the cpu first", device().str());
  return static_cast<char*>(impl_->storage->handle()) + impl_->offset * dtype_size(dtype());
}

template <class T>
T* Tensor::data() const {
  CADENZA_CHECK(dtype() == dtype_v<T>, "data<{}>: tensor has dtype {}", dtype_name(dtype_v<T>), dtype_name(dtype()));
  return static_cast<T*>(raw_data());
}

std::vector<std::byte> host_bytes(const Tensor& t) {
  size_t es = dtype_size(t.dtype());
  int64_t n = t.numel();
  std::vector<std::byte> out(static_cast<size_t>(n) * es);
  if (n == 0) return out;
  // Copy the span of storage the view covers, then gather with strides on the host.
  int64_t lo = t.offset(), hi = t.offset();
  for (int64_t i = 0; i < t.dim(); ++i) {
    int64_t ext = (t.shape()[i] - 1) * t.strides()[i];
    (ext < 0 ? lo : hi) += ext;
  }
  std::vector<std::byte> span(static_cast<size_t>(hi - lo + 1) * es);
  backend_for(t.device()).copy_to_host(span.data(), t.storage()->handle(), lo * es, span.size());
  Shape idx(t.dim(), 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t pos = t.offset() - lo;
    for (int64_t i = 0; i < t.dim(); ++i) pos += idx[i] * t.strides()[i];
    std::memcpy(out.data() + k * es, span.data() + pos * es, es);
    for (int64_t i = t.dim() - 1; i >= 0; --i) {
      if (++idx[i] < t.shape()[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

template <class T>
std::vector<T> Tensor::to_vector() const {
  std::vector<std::byte> bytes = host_bytes(*this);
  int64_t n = numel();
  std::vector<T> out(n);
  dispatch_all(dtype(), [&]<class S>() {
    const S* src = reinterpret_cast<const S*>(bytes.data());
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(src[i]);
  });
  return out;
}

template <class T>
T Tensor::item() const {
  CADENZA_CHECK(numel() == 1, "item: tensor of shape {} has {} elements, not one", shape_str(shape()), numel());
  return to_vector<T>()[0];
}

Tensor Tensor::as_strided(Shape shape, Shape strides, int64_t offset) const {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = impl_->storage;
  impl->shape = std::move(shape);
  impl->strides = std::move(strides);
  impl->offset = offset;
  impl->dtype = impl_->dtype;
  return Tensor(std::move(impl));
}

Tensor Tensor::detach() const { return as_strided(shape(), strides(), offset()); }

Tensor& Tensor::set_requires_grad(bool r) {
  CADENZA_CHECK(is_leaf(),
                "set_requires_grad: only leaf tensors can change requires_grad; "
                "use detach() to make a new leaf");
  CADENZA_CHECK(!r || is_floating(dtype()),
                "set_requires_grad: only floating tensors can "
                "require grad, this one is {}",
                dtype_name(dtype()));
  impl_->requires_grad = r;
  return *this;
}

Tensor Tensor::grad() const { return impl_->grad ? Tensor(impl_->grad) : Tensor(); }

void Tensor::set_grad(const Tensor& g) { impl_->grad = g.defined() ? g.impl_ptr() : nullptr; }

template <class T>
Tensor Tensor::from_vector(const std::vector<T>& values, Shape shape, Device device) {
  CADENZA_CHECK(static_cast<int64_t>(values.size()) == cadenza::numel(shape),
                "from_vector: {} values do not fill shape {}", values.size(), shape_str(shape));
  Tensor t = make_tensor(std::move(shape), dtype_v<T>, device);
  backend_for(device).copy_from_host(t.storage()->handle(), 0, values.data(), values.size() * sizeof(T));
  return t;
}

Tensor Tensor::empty(Shape shape, DType dtype, Device device) { return make_tensor(std::move(shape), dtype, device); }

Tensor Tensor::full(Shape shape, double value, DType dtype, Device device) {
  int64_t n = cadenza::numel(shape);
  return dispatch_all(dtype, [&]<class T>() {
    return from_vector<T>(std::vector<T>(n, static_cast<T>(value)), std::move(shape), device);
  });
}

Tensor Tensor::zeros(Shape shape, DType dtype, Device device) { return full(std::move(shape), 0.0, dtype, device); }

Tensor Tensor::ones(Shape shape, DType dtype, Device device) { return full(std::move(shape), 1.0, dtype, device); }

Tensor Tensor::scalar(double value, DType dtype, Device device) { return full({}, value, dtype, device); }

Tensor Tensor::arange(int64_t n, DType dtype, Device device) {
  return dispatch_all(dtype, [&]<class T>() {
    std::vector<T> v(n);
    for (int64_t i = 0; i < n; ++i) v[i] = static_cast<T>(i);
    return from_vector<T>(v, {n}, device);
  });
}

#define CADENZA_INSTANTIATE(T)                          \
  template T* Tensor::data<T>() const;                  \
  template std::vector<T> Tensor::to_vector<T>() const; \
  template T Tensor::item<T>() const;                   \
  template Tensor Tensor::from_vector<T>(const std::vector<T>&, Shape, Device);
CADENZA_INSTANTIATE(float)
CADENZA_INSTANTIATE(double)
CADENZA_INSTANTIATE(int32_t)
CADENZA_INSTANTIATE(int64_t)
#undef CADENZA_INSTANTIATE

}  // namespace cadenza
