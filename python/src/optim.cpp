// Optimizers over any list of tensors (a Module's parameters()), and safetensors files.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "engine/serialize/safetensors.h"
#include "optim/adam.h"
#include "optim/sgd.h"
#include "python/src/bindings.h"

namespace cadenza::python {
namespace {

// parameters() of a Python Module is a generator: any iterable of tensors will do.
std::vector<Tensor> tensors_of(const py::iterable& params) {
  std::vector<Tensor> out;
  for (py::handle p : params) out.push_back(p.cast<Tensor>());
  return out;
}

}  // namespace

void bind_optim(py::module_& parent) {
  py::module_ m = parent.def_submodule("_optim", "cadenza's optimizers (use cadenza.optim)");
  using optim::Optimizer;
  py::class_<Optimizer>(m, "Optimizer", "Updates its tensors from their .grad at each step().")
      .def("step", &Optimizer::step, "One update of every tensor from its .grad")
      .def("zero_grad", &Optimizer::zero_grad, "Clears the gradients of the tensors")
      .def_property("lr", &Optimizer::lr, &Optimizer::set_lr)
      .def_property_readonly("step_count", &Optimizer::step_count)
      .def("state_dict", &Optimizer::state_dict, "The optimizer's state (moments, step count) by name")
      .def("load_state_dict", &Optimizer::load_state_dict, py::arg("state"), "Restores a state_dict()");

  py::class_<optim::SGD, Optimizer>(m, "SGD", "torch.optim.SGD, step for step.")
      .def(py::init([](const py::iterable& params, double lr, double momentum, double dampening, double weight_decay,
                       bool nesterov) {
             return std::make_unique<optim::SGD>(tensors_of(params),
                                                 optim::SgdOptions{lr, momentum, dampening, weight_decay, nesterov});
           }),
           py::arg("params"), py::arg("lr") = 0.01, py::arg("momentum") = 0.0, py::arg("dampening") = 0.0,
           py::arg("weight_decay") = 0.0, py::arg("nesterov") = false);
  auto adam_init = [](auto tag) {
    using A = typename decltype(tag)::type;
    return py::init(
        [](const py::iterable& params, double lr, std::pair<double, double> betas, double eps, double weight_decay) {
          return std::make_unique<A>(tensors_of(params),
                                     optim::AdamOptions{lr, betas.first, betas.second, eps, weight_decay});
        });
  };
  py::class_<optim::Adam, Optimizer>(m, "Adam", "torch.optim.Adam, step for step (amsgrad off).")
      .def(adam_init(std::type_identity<optim::Adam>{}), py::arg("params"), py::arg("lr") = 1e-3,
           py::arg("betas") = std::pair<double, double>{0.9, 0.999}, py::arg("eps") = 1e-8,
           py::arg("weight_decay") = 0.0);
  py::class_<optim::AdamW, optim::Adam>(m, "AdamW", "torch.optim.AdamW, step for step (decoupled weight decay).")
      .def(adam_init(std::type_identity<optim::AdamW>{}), py::arg("params"), py::arg("lr") = 1e-3,
           py::arg("betas") = std::pair<double, double>{0.9, 0.999}, py::arg("eps") = 1e-8,
           py::arg("weight_decay") = 1e-2);

  parent.def(
      "save_safetensors",
      [](const std::filesystem::path& path, const serialize::TensorMap& tensors, const serialize::Metadata& metadata) {
        serialize::save_safetensors(path, tensors, metadata);
      },
      py::arg("path"), py::arg("tensors"), py::arg("metadata") = serialize::Metadata{},
      "Writes a dict of tensors as a safetensors file (atomically: a failure leaves the old file).");
  parent.def(
      "load_safetensors",
      [](const std::filesystem::path& path) {
        serialize::SafetensorsFile f = serialize::load_safetensors(path);
        return py::make_tuple(f.tensors, f.metadata);
      },
      py::arg("path"), "(tensors, metadata) of a safetensors file.");
}

}  // namespace cadenza::python
