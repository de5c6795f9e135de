// cadenza.models.train: `cadenza train` from Python. The keywords are the command's flags
// (models::TrainRequest, the same RunSpec rules); the loop is models::train, run with the
// GIL released. A callback sees every step: the GIL is taken back for it alone. An
// exception it raises (KeyboardInterrupt included) stops training as Ctrl-C stops the
// command — the checkpoint of that step saved — and is then raised from train().
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <optional>

#include "engine/error.h"
#include "models/train.h"
#include "models/train_request.h"
#include "python/src/bindings.h"
#include "python/src/convert.h"
#include "python/src/json_convert.h"

namespace cadenza::python {
namespace {

const char* status_name(models::TrainStatus s) {
  switch (s) {
    case models::TrainStatus::finished: return "finished";
    case models::TrainStatus::interrupted: return "interrupted";
    case models::TrainStatus::diverged: return "diverged";
    case models::TrainStatus::stopped_early: return "stopped_early";
  }
  return "?";
}

py::dict result_dict(const models::TrainResult& r, const std::filesystem::path& out) {
  py::dict d;
  d["status"] = status_name(r.status), d["step"] = r.step, d["checkpoint_step"] = r.checkpoint_step;
  d["valid_nll"] = r.valid_nll, d["valid_text"] = r.valid_text, d["best_step"] = r.best_step;
  d["best_valid_nll"] = r.best_valid_nll, d["checkpoint"] = models::checkpoint_path(out);
  return d;
}

py::dict step_dict(const models::StepReport& s) {
  py::dict d;
  d["step"] = s.step, d["steps"] = s.steps, d["loss"] = s.loss, d["lr"] = s.lr;
  d["tokens_per_s"] = s.tokens_per_s, d["valid_nll"] = s.valid_nll;
  return d;
}

py::dict train(const std::filesystem::path& out, const models::TrainRequest& request, const py::object& callback,
               bool log) {
  CADENZA_CHECK(callback.is_none() || PyCallable_Check(callback.ptr()), "callback must be callable or None");
  const models::RunSpec spec = models::train_run_spec(out, request);
  device_arg(spec.train.device);  // starts the Vulkan backend when asked for it
  std::optional<py::error_already_set> raised;
  models::TrainHooks hooks;
  hooks.log = log ? stderr : nullptr;
  hooks.on_step = [&](const models::StepReport& s) {
    py::gil_scoped_acquire gil;
    try {
      // Ctrl-C reaches Python's handler while the loop runs without the GIL; it is seen here.
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (!callback.is_none()) callback(step_dict(s));
      return true;
    } catch (py::error_already_set& e) {
      raised.emplace(std::move(e));
      return false;
    }
  };
  models::TrainResult r;
  {
    py::gil_scoped_release release;
    r = models::train(out, spec, request.resume, hooks);
  }
  if (raised) throw std::move(*raised);
  CADENZA_CHECK(r.status != models::TrainStatus::diverged, "{}", r.message);
  return result_dict(r, out);
}

}  // namespace

void bind_models_train(py::module_& m) {
  m.def(
      "train",
      [](const std::filesystem::path& out, const std::string& model, const std::optional<std::string>& data,
         const std::string& preset, const py::object& config, const std::optional<int64_t> steps,
         const std::optional<int64_t> batch, const std::optional<double> lr, const std::optional<uint64_t> seed,
         const std::optional<std::string>& device, bool resume, const std::optional<std::string>& init_from,
         const std::optional<std::string>& freeze, const std::optional<int64_t> patience,
         const std::optional<std::string>& tokenizer, bool strict_data, const py::object& callback, bool log) {
        models::TrainRequest r;
        r.model = model, r.data = data, r.preset = preset, r.patch = from_python(config);
        CADENZA_CHECK(r.patch.is_null() || r.patch.is_object(), "config must be a dict (a JSON merge patch), or None");
        r.steps = steps, r.batch = batch, r.lr = lr, r.seed = seed, r.device = device, r.resume = resume;
        r.init_from = init_from, r.freeze = freeze, r.patience = patience, r.tokenizer = tokenizer;
        r.strict_data = strict_data;
        return train(out, r, callback, log);
      },
      py::arg("out"), py::kw_only(), py::arg("model") = "", py::arg("data") = py::none(), py::arg("preset") = "",
      py::arg("config") = py::none(), py::arg("steps") = py::none(), py::arg("batch") = py::none(),
      py::arg("lr") = py::none(), py::arg("seed") = py::none(), py::arg("device") = py::none(),
      py::arg("resume") = false, py::arg("init_from") = py::none(), py::arg("freeze") = py::none(),
      py::arg("patience") = py::none(), py::arg("tokenizer") = py::none(), py::arg("strict_data") = false,
      py::arg("callback") = py::none(), py::arg("log") = false,
      "Trains a model into the run directory `out`, as `cadenza train --out OUT` with the flags of the same "
      "names (config: the --config patch as a dict). callback(step) is called after every step with a dict "
      "(step, steps, loss, lr, tokens_per_s, valid_nll); an exception it raises stops training with the "
      "checkpoint saved, and is raised again. log=True prints the progress lines. Returns a dict: status "
      "(finished, interrupted, stopped_early), step, checkpoint, valid_nll, best_step, best_valid_nll. A NaN "
      "loss raises cadenza.Error, the last good checkpoint kept.");
}

}  // namespace cadenza::python
