// cadenza.Tensor and NumPy. A CPU tensor and a NumPy array share memory both ways:
// Tensor.from_numpy(a) borrows a's buffer (the storage holds a reference to a, so the array
// outlives every view of it), and t.numpy() / np.asarray(t) is a view whose base holds the
// tensor's storage. A write through either is seen by the other.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "engine/error.h"
#include "engine/rng.h"
#include "engine/tensor.h"
#include "models/train_options.h"
#include "ops/copy.h"
#include "python/src/bindings.h"
#include "python/src/convert.h"

#ifdef CADENZA_PYTHON_VULKAN
#include "engine/vulkan/runtime.h"
#endif

namespace cadenza::python {
namespace {

py::dtype numpy_dtype(DType d) {
  switch (d) {
    case DType::f32: return py::dtype::of<float>();
    case DType::f64: return py::dtype::of<double>();
    case DType::i32: return py::dtype::of<int32_t>();
    case DType::i64: return py::dtype::of<int64_t>();
  }
  throw Error("unknown dtype");
}

DType dtype_of_numpy(const py::dtype& d) {
  if (d.is(py::dtype::of<float>())) return DType::f32;
  if (d.is(py::dtype::of<double>())) return DType::f64;
  if (d.is(py::dtype::of<int32_t>())) return DType::i32;
  if (d.is(py::dtype::of<int64_t>())) return DType::i64;
  // Compare by kind and size too: NumPy has several int64 objects (long, longlong).
  const char kind = d.kind();
  const auto size = d.itemsize();
  if (kind == 'f' && size == 4) return DType::f32;
  if (kind == 'f' && size == 8) return DType::f64;
  if (kind == 'i' && size == 4) return DType::i32;
  if (kind == 'i' && size == 8) return DType::i64;
  throw Error(fmt::format("from_numpy: NumPy dtype {} has no cadenza dtype (float32, float64, int32, int64)",
                          d.attr("name").cast<std::string>()));
}

// Shares a's memory. NumPy strides are in bytes and may be negative or not a multiple of
// the item size (a byte-sliced view); the engine's strides are whole, non-negative elements.
Tensor from_numpy(py::array a) {
  const DType dtype = dtype_of_numpy(a.dtype());
  const auto item = static_cast<int64_t>(a.itemsize());
  CADENZA_CHECK(a.writeable(), "from_numpy: the array is read-only (the tensor would write into it); pass a.copy()");
  CADENZA_CHECK(reinterpret_cast<uintptr_t>(a.data()) % static_cast<uintptr_t>(item) == 0,
                "from_numpy: the array's data is not aligned to its {}-byte items; pass a.copy()", item);
  Shape shape(a.shape(), a.shape() + a.ndim());
  Shape strides(static_cast<size_t>(a.ndim()));
  for (py::ssize_t i = 0; i < a.ndim(); ++i) {
    const int64_t s = a.strides(i);
    CADENZA_CHECK(s >= 0 && s % item == 0,
                  "from_numpy: axis {} has a stride of {} bytes, which is not a non-negative multiple of {} (a "
                  "reversed or byte-sliced view); pass a.copy()",
                  i, s, item);
    strides[static_cast<size_t>(i)] = s / item;
  }
  // The bytes the view can reach: the storage must cover them.
  int64_t extent = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0) extent = 0;
    if (extent) extent += (shape[i] - 1) * strides[i];
  }
  auto owner = std::shared_ptr<void>(new py::object(a), [](void* p) {
    py::gil_scoped_acquire gil;  // the last view may die on a thread that does not hold it
    delete static_cast<py::object*>(p);
  });
  auto storage = std::make_shared<Storage>(a.mutable_data(), static_cast<size_t>(extent * item), std::move(owner));
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::move(storage);
  impl->shape = std::move(shape);
  impl->strides = std::move(strides);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

// A view of a CPU tensor (a copy to the host first for a device tensor).
py::array to_numpy(const Tensor& t) {
  const Tensor host = t.device().is_cpu() ? t.detach() : to(t.detach(), Device::cpu());
  const auto item = static_cast<py::ssize_t>(dtype_size(host.dtype()));
  std::vector<py::ssize_t> shape(host.shape().begin(), host.shape().end());
  std::vector<py::ssize_t> strides;
  for (int64_t s : host.strides()) strides.push_back(static_cast<py::ssize_t>(s) * item);
  // The capsule keeps the storage (not the tensor's autograd history) alive.
  auto* keep = new std::shared_ptr<Storage>(host.storage());
  py::capsule base(keep, [](void* p) { delete static_cast<std::shared_ptr<Storage>*>(p); });
  return py::array(numpy_dtype(host.dtype()), shape, strides, host.raw_data(), base);
}

std::string repr(const Tensor& t) {
  if (!t.defined()) return "tensor(undefined)";
  return t.str();
}

}  // namespace

Device device_arg(const std::string& spec) {
#ifdef CADENZA_PYTHON_VULKAN
  if (spec.rfind("vulkan", 0) == 0)
    CADENZA_CHECK(vulkan::available(), "device '{}': no Vulkan device: {}", spec, vulkan::reason());
#endif
  return models::parse_device(spec);
}

DType dtype_arg(const std::string& name) {
  if (name == "f32" || name == "float32") return DType::f32;
  if (name == "f64" || name == "float64") return DType::f64;
  if (name == "i32" || name == "int32") return DType::i32;
  if (name == "i64" || name == "int64") return DType::i64;
  throw Error(fmt::format("unknown dtype '{}' (expected float32, float64, int32 or int64)", name));
}

std::string dtype_str(DType d) {
  switch (d) {
    case DType::f32: return "float32";
    case DType::f64: return "float64";
    case DType::i32: return "int32";
    case DType::i64: return "int64";
  }
  return "?";
}

Tensor as_tensor(const py::handle& x, DType like) {
  if (py::isinstance<Tensor>(x)) return x.cast<Tensor>();
  if (py::isinstance<py::bool_>(x) || py::isinstance<py::int_>(x) || py::isinstance<py::float_>(x))
    return Tensor::scalar(x.cast<double>(), like);
  py::array a = py::array::ensure(x);
  CADENZA_CHECK(a, "cannot make a tensor from a {}", py::type::of(x).attr("__name__").cast<std::string>());
  const char kind = a.dtype().kind();
  // float16, bool, unsigned and the like have no cadenza dtype: the nearest one that does.
  if (kind == 'f' && a.itemsize() != 4 && a.itemsize() != 8) a = a.attr("astype")("float32");
  if (kind == 'b' || kind == 'u' || (kind == 'i' && a.itemsize() != 4 && a.itemsize() != 8))
    a = a.attr("astype")("int64");
  bool shareable = a.writeable();
  for (py::ssize_t i = 0; i < a.ndim(); ++i)
    shareable = shareable && a.strides(i) >= 0 && a.strides(i) % a.itemsize() == 0;
  if (!shareable) a = py::module_::import("numpy").attr("array")(a);  // an owned, dense copy
  return from_numpy(a);
}

// cadenza.tensor(data, dtype): always a copy the tensor owns.
Tensor new_tensor(const py::object& data, const std::string& dtype, bool requires_grad) {
  const DType d = dtype_arg(dtype);
  Tensor x = as_tensor(data, d);
  x = x.dtype() == d ? clone(x.detach()) : to_dtype(x.detach(), d);
  if (requires_grad) x.set_requires_grad(true);
  return x;
}

void bind_tensor(py::module_& m) {
  py::class_<Tensor> t(m, "Tensor", py::buffer_protocol(), R"doc(
An n-dimensional array on a device, with autograd. Views share storage; a CPU tensor and
a NumPy array made from one another share memory.)doc");
  t.def(py::init(&new_tensor), py::arg("data"), py::arg("dtype") = "float32", py::arg("requires_grad") = false,
        "A tensor holding a copy of data (a NumPy array, a nested list or a number).")
      .def_static("from_numpy", &from_numpy, py::arg("array"),
                  "A tensor sharing the array's memory (no copy); the array is kept alive by it.")
      .def("numpy", &to_numpy, "A NumPy view of the tensor (a copy to the host for a device tensor).")
      .def(
          "__array__",
          [](const Tensor& x, py::object dtype) {
            py::array a = to_numpy(x);
            return dtype.is_none() ? a : a.attr("astype")(dtype).cast<py::array>();
          },
          py::arg("dtype") = py::none(), "NumPy's hook: np.asarray(t) is a view (a copy with another dtype)")
      .def_buffer([](const Tensor& x) -> py::buffer_info {
        CADENZA_CHECK(x.device().is_cpu(), "buffer protocol: the tensor is on {}; call .numpy() or .to('cpu')",
                      x.device().str());
        const auto item = static_cast<py::ssize_t>(dtype_size(x.dtype()));
        std::vector<py::ssize_t> shape(x.shape().begin(), x.shape().end()), strides;
        for (int64_t s : x.strides()) strides.push_back(static_cast<py::ssize_t>(s) * item);
        return py::buffer_info(x.raw_data(), item, numpy_dtype(x.dtype()).attr("char").cast<std::string>(), x.dim(),
                               shape, strides);
      })
      .def_property_readonly("shape", [](const Tensor& x) { return py::tuple(py::cast(x.shape())); })
      .def_property_readonly("strides", [](const Tensor& x) { return py::tuple(py::cast(x.strides())); })
      .def_property_readonly("dtype", [](const Tensor& x) { return dtype_str(x.dtype()); })
      .def_property_readonly("device", [](const Tensor& x) { return x.device().str(); })
      .def_property_readonly("ndim", &Tensor::dim)
      .def("dim", &Tensor::dim, "The number of axes")
      .def("numel", &Tensor::numel, "The number of elements")
      .def(
          "size", [](const Tensor& x, int64_t axis) { return x.size(axis); }, py::arg("axis"),
          "The length of an axis (negative counts from the last)")
      .def(
          "__len__",
          [](const Tensor& x) {
            CADENZA_CHECK(x.dim() > 0, "len() of a 0-d tensor");
            return x.size(0);
          },
          "The length of the first axis")
      .def("is_contiguous", &Tensor::is_contiguous, "Whether the elements are in row-major order without gaps")
      .def(
          "item",
          [](const Tensor& x) -> py::object {
            CADENZA_CHECK(x.numel() == 1, "item: the tensor has {} elements, not 1", x.numel());
            if (is_floating(x.dtype())) return py::float_(contiguous(x.detach()).to_vector<double>()[0]);
            return py::int_(to_dtype(x.detach(), DType::i64).to_vector<int64_t>()[0]);
          },
          "The value of a one-element tensor as a Python float or int")
      .def(
          "tolist", [](const Tensor& x) { return to_numpy(x).attr("tolist")(); }, "The values as nested lists")
      .def(
          "to",
          [](const Tensor& x, const std::string& where) {
            for (const char* d : {"float32", "float64", "int32", "int64", "f32", "f64", "i32", "i64"})
              if (where == d) return to_dtype(x, dtype_arg(where));
            return to(x, device_arg(where));
          },
          py::arg("device_or_dtype"), "A copy on another device ('cpu', 'vulkan') or of another dtype.")
      .def("detach", &Tensor::detach, "The same values without autograd history (shares the storage)")
      .def(
          "clone", [](const Tensor& x) { return clone(x); }, "A copy with its own storage (differentiable)")
      .def(
          "contiguous", [](const Tensor& x) { return contiguous(x); }, "Row-major: the tensor itself or a copy")
      .def_property("requires_grad", &Tensor::requires_grad, [](Tensor& x, bool r) { x.set_requires_grad(r); })
      .def(
          "requires_grad_",
          [](Tensor& x, bool r) {
            x.set_requires_grad(r);
            return x;
          },
          py::arg("requires_grad") = true, "Sets requires_grad in place; returns the tensor")
      .def_property(
          "grad",
          [](const Tensor& x) -> py::object {
            Tensor g = x.grad();
            return g.defined() ? py::cast(g) : py::none();
          },
          [](Tensor& x, py::object g) {
            if (g.is_none())
              x.zero_grad();
            else
              x.set_grad(g.cast<Tensor>());
          })
      .def_property_readonly("is_leaf", &Tensor::is_leaf)
      .def_property_readonly("version", &Tensor::version)
      .def(
          "fill_",
          [](Tensor& x, double v) {
            fill_(x, v);
            return x;
          },
          py::arg("value"), "Sets every element to value in place; returns the tensor")
      .def(
          "copy_",
          [](Tensor& x, const Tensor& src) {
            copy_(x, src);
            return x;
          },
          py::arg("src"), "Copies src (broadcast) into the tensor in place; returns the tensor")
      .def("__repr__", &repr, "tensor([...], dtype=..., device=...)")
      .def_static(
          "zeros",
          [](const Shape& s, const std::string& dtype, const std::string& device) {
            return Tensor::zeros(s, dtype_arg(dtype), device_arg(device));
          },
          py::arg("shape"), py::arg("dtype") = "float32", py::arg("device") = "cpu", "A tensor of zeros")
      .def_static(
          "ones",
          [](const Shape& s, const std::string& dtype, const std::string& device) {
            return Tensor::ones(s, dtype_arg(dtype), device_arg(device));
          },
          py::arg("shape"), py::arg("dtype") = "float32", py::arg("device") = "cpu", "A tensor of ones")
      .def_static(
          "full",
          [](const Shape& s, double v, const std::string& dtype, const std::string& device) {
            return Tensor::full(s, v, dtype_arg(dtype), device_arg(device));
          },
          py::arg("shape"), py::arg("value"), py::arg("dtype") = "float32", py::arg("device") = "cpu",
          "A tensor with every element value")
      .def_static(
          "arange",
          [](int64_t n, const std::string& dtype, const std::string& device) {
            return Tensor::arange(n, dtype_arg(dtype), device_arg(device));
          },
          py::arg("n"), py::arg("dtype") = "int64", py::arg("device") = "cpu", "0, 1, ..., n - 1");

  m.def("tensor", &new_tensor, py::arg("data"), py::arg("dtype") = "float32", py::arg("requires_grad") = false,
        "A tensor holding a copy of data (a NumPy array, a nested list or a number).");
  m.def("from_numpy", &from_numpy, py::arg("array"), "A tensor sharing the array's memory (no copy).");
  m.def("manual_seed", &manual_seed, py::arg("seed"),
        "Seeds the default generator (initialisation, dropout, sampling).");
  m.def(
      "vulkan_available",
      []() {
#ifdef CADENZA_PYTHON_VULKAN
        return vulkan::available();
#else
        return false;
#endif
      },
      "Whether a Vulkan device can be used (device='vulkan').");
}

}  // namespace cadenza::python
