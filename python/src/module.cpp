// cadenza._cadenza: the engine's door into Python. The package cadenza/ (python/cadenza)
// wraps it with the Pythonic parts (Module, operators on Tensor).
#include <pybind11/pybind11.h>

#include "engine/error.h"
#include "python/src/bindings.h"

PYBIND11_MODULE(_cadenza, m) {
  namespace py = pybind11;
  m.doc() = "cadenza's engine: tensors, ops, autograd, layers, optimizers, music and models";
  // The engine's one-line messages reach Python unchanged, as cadenza.Error (a RuntimeError).
  static py::exception<cadenza::Error> error(m, "Error", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const cadenza::Error& e) {
      error(e.what());
    }
  });
  cadenza::python::bind_tensor(m);
  cadenza::python::bind_ops(m);
  cadenza::python::bind_autograd(m);
  cadenza::python::bind_nn(m);
  cadenza::python::bind_optim(m);
  py::module_ music = m.def_submodule("_music", "cadenza's music module (use cadenza.music)");
  cadenza::python::bind_music_score(music);
  cadenza::python::bind_music_repr(music);
  py::module_ models = m.def_submodule("_models", "cadenza's models (use cadenza.models)");
  cadenza::python::bind_models(models);
  cadenza::python::bind_models_train(models);
}
