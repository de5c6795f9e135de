#include "ops/copy.h"

#include "engine/autograd.h"
#include "engine/op_registry.h"
#include "ops/samples.h"
#include "ops/strided_loop.h"
#include "ops/view.h"

namespace cadenza {
namespace {
using Grads = std::vector<Tensor>;

void copy_cpu(const Tensor& src, const Tensor& dst) {
  const Shape& s = dst.shape();
  dispatch_all(dst.dtype(), [&]<class D>() {
    dispatch_all(src.dtype(), [&]<class S>() {
      std::array<char*, 2> base{cpu::byte_ptr(dst), cpu::byte_ptr(src)};
      std::array<Shape, 2> st{cpu::broadcast_byte_strides(dst, s), cpu::broadcast_byte_strides(src, s)};
      cpu::for_each_run<2>(s, base, st, [](std::array<char*, 2> p, int64_t n, std::array<int64_t, 2> d) {
        D* o = reinterpret_cast<D*>(p[0]);
        const S* i = reinterpret_cast<const S*>(p[1]);
        if (d[0] == sizeof(D) && d[1] == sizeof(S)) {
          for (int64_t k = 0; k < n; ++k) o[k] = static_cast<D>(i[k]);
        } else {
          int64_t so = d[0] / int64_t(sizeof(D)), si = d[1] / int64_t(sizeof(S));
          for (int64_t k = 0; k < n; ++k) o[k * so] = static_cast<D>(i[k * si]);
        }
      });
    });
  });
}

void check_writable(const char* op, const Tensor& dst) {
  CADENZA_CHECK(!(GradMode::enabled() && dst.requires_grad()),
                "{}: in-place write to a tensor that requires grad; wrap it in NoGradGuard", op);
}

}  // namespace

Kernel<void(const Tensor&, const Tensor&)> copy_kernel("copy", &copy_cpu);

Tensor contiguous_untracked(const Tensor& x) {
  Tensor out = make_tensor(x.shape(), x.dtype(), x.device());
  copy_kernel(x.device(), x, out);
  return out;
}

Tensor dense_untracked(const Tensor& x) { return x.is_contiguous() ? x.detach() : contiguous_untracked(x); }

Tensor clone(const Tensor& x) {
  Tensor y = contiguous_untracked(x);
  record("clone", {x}, {y}, {}, [](const Grads& g, const Grads&) -> Grads { return {g[0]}; });
  return y;
}

Tensor contiguous(const Tensor& x) { return x.is_contiguous() ? x : clone(x); }

Tensor to(const Tensor& x, Device device) {
  if (x.device() == device) return x;
  Tensor src = contiguous_untracked(x);
  std::vector<std::byte> bytes = host_bytes(src);
  Tensor y = make_tensor(x.shape(), x.dtype(), device);
  backend_for(device).copy_from_host(y.storage()->handle(), 0, bytes.data(), bytes.size());
  Device from = x.device();
  record("to", {x}, {y}, {}, [from](const Grads& g, const Grads&) -> Grads { return {to(g[0], from)}; });
  return y;
}

Tensor to_dtype(const Tensor& x, DType dtype) {
  if (x.dtype() == dtype) return x;
  Tensor y = make_tensor(x.shape(), dtype, x.device());
  copy_kernel(x.device(), x, y);
  if (is_floating(dtype) && is_floating(x.dtype())) {
    DType from = x.dtype();
    record("to_dtype", {x}, {y}, {}, [from](const Grads& g, const Grads&) -> Grads { return {to_dtype(g[0], from)}; });
  }
  return y;
}

Tensor concat(const std::vector<Tensor>& xs, int64_t axis) {
  CADENZA_CHECK(!xs.empty(), "concat: no tensors");
  const Tensor& first = xs[0];
  axis = normalize_axis("concat", axis, first.dim());
  Shape shape = first.shape();
  int64_t total = 0;
  for (const Tensor& t : xs) {
    CADENZA_CHECK(t.dim() == first.dim() && t.dtype() == first.dtype() && t.device() == first.device(),
                  "concat: tensors {} ({}, {}) and {} ({}, {}) cannot be joined", shape_str(first.shape()),
                  dtype_name(first.dtype()), first.device().str(), shape_str(t.shape()), dtype_name(t.dtype()),
                  t.device().str());
    for (int64_t d = 0; d < t.dim(); ++d)
      CADENZA_CHECK(d == axis || t.shape()[d] == shape[d], "concat: shapes {} and {} differ outside axis {}",
                    shape_str(first.shape()), shape_str(t.shape()), axis);
    total += t.shape()[axis];
  }
  shape[axis] = total;
  Tensor out = make_tensor(shape, first.dtype(), first.device());
  std::vector<int64_t> sizes;
  int64_t off = 0;
  for (const Tensor& t : xs) {
    int64_t n = t.shape()[axis];
    Shape part = shape;
    part[axis] = n;
    copy_kernel(out.device(), t, out.as_strided(part, out.strides(), off * out.strides()[axis]));
    sizes.push_back(n);
    off += n;
  }
  record("concat", xs, {out}, {}, [axis, sizes](const Grads& g, const Grads&) -> Grads {
    Grads r;
    int64_t o = 0;
    for (int64_t n : sizes) {
      r.push_back(narrow(g[0], axis, o, n));
      o += n;
    }
    return r;
  });
  return out;
}

Tensor stack(const std::vector<Tensor>& xs, int64_t axis) {
  CADENZA_CHECK(!xs.empty(), "stack: no tensors");
  axis = normalize_axis("stack", axis, xs[0].dim() + 1);
  std::vector<Tensor> parts;
  for (const Tensor& t : xs) {
    CADENZA_CHECK(t.shape() == xs[0].shape(), "stack: shapes {} and {} differ", shape_str(xs[0].shape()),
                  shape_str(t.shape()));
    parts.push_back(unsqueeze(t, axis));
  }
  return concat(parts, axis);
}

Tensor pad(const Tensor& x, const std::vector<std::pair<int64_t, int64_t>>& pads, double value) {
  CADENZA_CHECK(static_cast<int64_t>(pads.size()) <= x.dim(), "pad: {} pairs for a tensor of rank {}", pads.size(),
                x.dim());
  Shape shape = x.shape();
  int64_t offset = 0;
  for (size_t i = 0; i < pads.size(); ++i) {
    CADENZA_CHECK(pads[i].first >= 0 && pads[i].second >= 0, "pad: negative padding ({}, {})", pads[i].first,
                  pads[i].second);
    shape[i] += pads[i].first + pads[i].second;
  }
  Tensor out = Tensor::full(shape, value, x.dtype(), x.device());
  Shape st = out.strides();
  for (size_t i = 0; i < pads.size(); ++i) offset += pads[i].first * st[i];
  copy_kernel(x.device(), x, out.as_strided(x.shape(), st, offset));
  record("pad", {x}, {out}, {}, [pads, xs = x.shape()](const Grads& g, const Grads&) -> Grads {
    Tensor r = g[0];
    for (size_t i = 0; i < pads.size(); ++i) r = narrow(r, static_cast<int64_t>(i), pads[i].first, xs[i]);
    return {r};
  });
  return out;
}

void copy_(const Tensor& dst, const Tensor& src) {
  check_writable("copy_", dst);
  CADENZA_CHECK(dst.device() == src.device(), "copy_: destination on {}, source on {}", dst.device().str(),
                src.device().str());
  broadcast_shapes("copy_", src.shape(), dst.shape());
  CADENZA_CHECK(broadcast_shapes("copy_", src.shape(), dst.shape()) == dst.shape(),
                "copy_: source {} does not broadcast to destination {}", shape_str(src.shape()),
                shape_str(dst.shape()));
  copy_kernel(dst.device(), src, dst);
  dst.bump_version();
}

void fill_(const Tensor& dst, double value) {
  check_writable("fill_", dst);
  copy_kernel(dst.device(), Tensor::scalar(value, dst.dtype(), dst.device()), dst);
  dst.bump_version();
}

// ---- registry samples
namespace {
using testing::uniform_input;
const bool registered = [] {
  auto one = [](const char* name, std::vector<Shape> shapes, std::function<Tensor(const std::vector<Tensor>&)> f) {
    OpRegistry::add({name, true, [=](DType dt) {
                       std::vector<Tensor> in;
                       for (const Shape& s : shapes) in.push_back(uniform_input(s, dt));
                       return std::vector<OpSample>{
                           {name, in, [f](const std::vector<Tensor>& x) { return std::vector<Tensor>{f(x)}; }}};
                     }});
  };
  one("clone", {{3, 4}}, [](const auto& x) { return clone(x[0]); });
  one("contiguous", {{3, 4}}, [](const auto& x) { return contiguous(transpose(x[0], 0, 1)); });
  // A round trip through the other floating dtype; linear, so a coarse finite-difference
  // step is exact and keeps f32 rounding out of the comparison.
  OpRegistry::add({"to_dtype", true, [](DType dt) {
                     OpSample s{"f64 -> f32 -> f64", {uniform_input({3, 4}, dt)}, [](const std::vector<Tensor>& x) {
                                  DType other = x[0].dtype() == DType::f64 ? DType::f32 : DType::f64;
                                  return std::vector<Tensor>{to_dtype(to_dtype(x[0], other), x[0].dtype())};
                                }};
                     s.eps = 1e-2;
                     s.tolerance = 1e-4;
                     return std::vector<OpSample>{s};
                   }});
  one("to", {{3, 4}}, [](const auto& x) { return to(x[0], Device::cpu()); });
  one("concat", {{2, 3}, {4, 3}, {1, 3}}, [](const auto& x) { return concat(x, 0); });
  one("stack", {{2, 3}, {2, 3}}, [](const auto& x) { return stack(x, 1); });
  one("pad", {{2, 3}}, [](const auto& x) { return pad(x[0], {{1, 0}, {2, 1}}, 0.5); });
  return true;
}();
}  // namespace

}  // namespace cadenza
