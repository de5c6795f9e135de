#pragma once
// The parts of the `cadenza._cadenza` extension module, one file each; module.cpp calls them
// in order (a part may use the types an earlier one registered).
#include <pybind11/pybind11.h>

namespace cadenza::python {

namespace py = pybind11;

void bind_tensor(py::module_& m);    // Tensor, dtypes, devices, NumPy in and out
void bind_ops(py::module_& m);       // every op of ops/ops.h as a function
void bind_autograd(py::module_& m);  // backward, grad, no_grad
void bind_nn(py::module_& m);        // the layers of nn/ (submodule _nn)
void bind_optim(py::module_& m);     // optimizers, safetensors files
// The submodule _music: Score, MIDI, piano rolls and PNG (music_score.cpp), then the
// tokenizers and metrics over it (music_repr.cpp).
void bind_music_score(py::module_& m);
void bind_music_repr(py::module_& m);
// The submodule _models: trained models, sample and eval (models.cpp), train (models_train.cpp).
void bind_models(py::module_& m);
void bind_models_train(py::module_& m);

}  // namespace cadenza::python
