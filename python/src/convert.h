#pragma once
// Conversions shared by the binding files: devices and dtypes by name, and Python values
// (Tensor, NumPy array, nested list, number) to tensors.
#include <string>

#include <pybind11/pybind11.h>

#include "engine/device.h"
#include "engine/dtype.h"
#include "engine/tensor.h"

namespace cadenza::python {

namespace py = pybind11;

// "cpu", "vulkan" or "vulkan:N"; starting the Vulkan backend if needed (one line if it can't).
Device device_arg(const std::string& spec);
// "float32"/"f32", "float64"/"f64", "int32"/"i32", "int64"/"i64".
DType dtype_arg(const std::string& name);
std::string dtype_str(DType d);  // NumPy's names: "float32", ...
// A Tensor as is; a number as a 0-d tensor of dtype `like`; anything NumPy can read as an
// array (sharing an array's memory when its dtype and layout allow, else through a copy).
Tensor as_tensor(const py::handle& x, DType like = DType::f32);

}  // namespace cadenza::python
