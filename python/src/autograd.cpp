// Autograd from Python: backward, grad (to any order with create_graph) and the grad-mode
// switch that cadenza.no_grad() (python/cadenza/__init__.py) is made of.
#include <pybind11/stl.h>

#include "engine/autograd.h"
#include "ops/autograd.h"
#include "python/src/bindings.h"

namespace cadenza::python {

void bind_autograd(py::module_& m) {
  m.def(
      "backward",
      [](const Tensor& root, const std::optional<Tensor>& grad_output, bool retain_graph, bool create_graph) {
        backward(root, grad_output.value_or(Tensor()), retain_graph, create_graph);
      },
      py::arg("root"), py::arg("grad_output") = py::none(), py::arg("retain_graph") = false,
      py::arg("create_graph") = false,
      "Accumulates d root / d leaf into every leaf's .grad (grad_output may be omitted for one element).");
  py::class_<Tensor>(m.attr("Tensor"))
      .def(
          "backward",
          [](const Tensor& root, const std::optional<Tensor>& grad_output, bool retain_graph, bool create_graph) {
            backward(root, grad_output.value_or(Tensor()), retain_graph, create_graph);
          },
          py::arg("grad_output") = py::none(), py::arg("retain_graph") = false, py::arg("create_graph") = false,
          "backward(self, ...): accumulates the gradient of this tensor into every leaf's .grad");
  m.def(
      "grad",
      [](const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs, const std::vector<Tensor>& grad_outputs,
         bool retain_graph, bool create_graph, bool allow_unused) {
        std::vector<Tensor> g = grad(outputs, inputs, grad_outputs, {retain_graph, create_graph, allow_unused});
        py::list out;
        for (const Tensor& t : g) out.append(t.defined() ? py::cast(t) : py::none());
        return out;
      },
      py::arg("outputs"), py::arg("inputs"), py::arg("grad_outputs") = std::vector<Tensor>{},
      py::arg("retain_graph") = false, py::arg("create_graph") = false, py::arg("allow_unused") = false,
      "d outputs / d inputs without touching .grad; create_graph=True records it for higher orders.");
  m.def("is_grad_enabled", &GradMode::enabled, "Whether ops record autograd history (False inside no_grad())");
  m.def(
      "_set_grad_enabled",
      [](bool on) {
        const bool prev = GradMode::enabled();
        GradMode::set_enabled(on);
        return prev;
      },
      py::arg("on"), "Sets grad mode on this thread and returns the previous mode.");
}

}  // namespace cadenza::python
