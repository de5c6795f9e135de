#pragma once
// JSON values (model configs, run specs, eval reports) to Python objects and back,
// through Python's json module: these cross once per call, never in a loop.
#include <pybind11/pybind11.h>
#include <nlohmann/json.hpp>

namespace cadenza::python {

namespace py = pybind11;

inline py::object to_python(const nlohmann::json& j) {
  return py::module_::import("json").attr("loads")(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// A dict (or any JSON-serialisable value); None is null.
inline nlohmann::json from_python(const py::handle& value) {
  if (value.is_none()) return nullptr;
  return nlohmann::json::parse(py::module_::import("json").attr("dumps")(value).cast<std::string>());
}

}  // namespace cadenza::python
