// cadenza.models (submodule _models): a trained model from a run directory, one of its
// checkpoint files or a zoo name (resolve_checkpoint, models/run_dir.h), its samples as
// Scores, its evaluation as `cadenza eval --checkpoint` reports it; the zoo and the families.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <fmt/format.h>

#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/rng.h"
#include "models/family.h"
#include "models/registry.h"
#include "models/run_dir.h"
#include "models/zoo.h"
#include "python/src/bindings.h"
#include "python/src/convert.h"
#include "python/src/json_convert.h"

namespace cadenza::python {
namespace {

using models::TrainedModel;

models::SampleOptions sample_options(int64_t length, double temperature, int64_t top_k, double top_p, int64_t beam,
                                     const std::optional<music::Score>& primer, const py::object& controls) {
  CADENZA_CHECK(length >= 0, "length must be positive (or 0: the model's), not {}", length);
  CADENZA_CHECK(temperature > 0, "temperature must be positive, not {}", temperature);
  CADENZA_CHECK(top_k >= 0, "top_k must be 0 (off) or positive, not {}", top_k);
  CADENZA_CHECK(top_p > 0 && top_p <= 1, "top_p must be in (0, 1], not {}", top_p);
  CADENZA_CHECK(beam >= 1, "beam must be positive, not {}", beam);
  models::SampleOptions o;
  if (length > 0) o.length = length;
  o.temperature = temperature, o.top_k = top_k, o.top_p = top_p, o.beam = beam;
  o.primer = primer;
  if (!controls.is_none()) o.controls = from_python(controls);
  return o;
}

std::vector<music::Score> sample(TrainedModel& m, int64_t num, uint64_t seed, const models::SampleOptions& o) {
  CADENZA_CHECK(num >= 1, "num must be positive, not {}", num);
  std::vector<music::Score> out;
  py::gil_scoped_release release;
  Generator gen(seed);
  NoGradGuard no_grad;
  for (int64_t i = 0; i < num; ++i) out.push_back(m.model->sample(o, gen));
  return out;
}

// `cadenza eval --checkpoint --json`'s figures, without the samples' metrics.
py::dict evaluate(TrainedModel& m, const py::object& data, const std::string& split, int64_t eval_length,
                  bool strict_data) {
  models::DataOptions options = m.spec.data;
  if (!data.is_none()) options.path = data.cast<std::filesystem::path>(), options.steps_per_quarter = 0;
  if (eval_length != 0) options.eval_length = eval_length;
  options.strict_data = strict_data;
  const models::FamilyHooks& family = models::family_hooks(*m.model);
  nlohmann::json out = {{"model", m.spec.model}, {"step", m.step}};
  {
    py::gil_scoped_release release;
    if (family.evaluate_samples) {
      out.update(family.evaluate_samples({*m.model, options, split, std::nullopt}).json);
    } else {
      const models::Dataset dataset(*m.model, options, models::DataUse::eval);
      const models::EvalReport report = models::evaluate_report(*m.model, dataset, models::parse_data_split(split));
      out.update({{"data", options.path.string()},
                  {"split", split},
                  {"nll", report.result.nll},
                  {"unit", "nats/" + models::step_unit(*m.model)},
                  {"accuracy", report.result.accuracy},
                  {"steps", report.result.steps},
                  {"skipped_files", dataset.skipped().count()}});
      out.update(report.figures);
    }
  }
  return to_python(out);
}

py::list zoo() {
  py::list out;
  for (const auto& z : models::zoo_models()) {
    py::dict d;
    d["name"] = z.name, d["family"] = z.family, d["summary"] = z.summary, d["corpus"] = z.corpus;
    d["license"] = z.license, d["dir"] = z.dir, d["checkpoint_bytes"] = z.checkpoint_bytes;
    out.append(d);
  }
  return out;
}

}  // namespace

void bind_models(py::module_& m) {
  py::class_<TrainedModel>(m, "TrainedModel",
                           "A trained model: its run spec, its network (an nn Module) at a checkpoint's step.")
      .def_property_readonly(
          "family", [](const TrainedModel& t) { return t.spec.model; }, "The family, e.g. poly_rnn")
      .def_readonly("step", &TrainedModel::step, "The optimizer step of the checkpoint")
      .def_property_readonly(
          "module", [](const TrainedModel& t) { return std::static_pointer_cast<nn::Module>(t.model); },
          "The network, an nn Module: parameters(), state_dict(), ...")
      .def_property_readonly(
          "config", [](const TrainedModel& t) { return to_python(t.model->config()); },
          "The model's full config (what its family builds it from)")
      .def_property_readonly(
          "spec", [](const TrainedModel& t) { return to_python(models::to_json(t.spec)); },
          "The run's config.json: model, preset, config, data and train options")
      .def_property_readonly(
          "tokenizer", [](const TrainedModel& t) { return to_python(t.model->tokenizer_spec()); },
          "The tokenizer's spec (a name or a BPE object); empty for piano-roll models")
      .def(
          "to",
          [](TrainedModel& t, const std::string& device) {
            t.model->to(device_arg(device));
            return &t;
          },
          py::arg("device"), py::return_value_policy::reference_internal, "Moves the network to a device")
      .def(
          "sample",
          [](TrainedModel& t, int64_t length, double temperature, int64_t top_k, double top_p, int64_t beam,
             const std::optional<music::Score>& primer, const py::object& controls, uint64_t seed) {
            return std::move(
                sample(t, 1, seed, sample_options(length, temperature, top_k, top_p, beam, primer, controls))[0]);
          },
          py::arg("length") = 0, py::arg("temperature") = 1.0, py::arg("top_k") = 0, py::arg("top_p") = 1.0,
          py::arg("beam") = 1, py::arg("primer") = py::none(), py::arg("controls") = py::none(), py::arg("seed") = 0,
          "One sample as a Score, with `cadenza sample`'s options: length (new steps after the primer; 0: the "
          "model's), temperature, top_k, top_p, beam, primer (a Score it continues), controls (a dict, e.g. "
          "{'note_density': 3}), seed")
      .def(
          "samples",
          [](TrainedModel& t, int64_t num, int64_t length, double temperature, int64_t top_k, double top_p,
             int64_t beam, const std::optional<music::Score>& primer, const py::object& controls, uint64_t seed) {
            return sample(t, num, seed, sample_options(length, temperature, top_k, top_p, beam, primer, controls));
          },
          py::arg("num"), py::arg("length") = 0, py::arg("temperature") = 1.0, py::arg("top_k") = 0,
          py::arg("top_p") = 1.0, py::arg("beam") = 1, py::arg("primer") = py::none(), py::arg("controls") = py::none(),
          py::arg("seed") = 0,
          "`num` samples from one generator seeded with `seed` (as `cadenza sample --num-outputs`)")
      .def("eval", &evaluate, py::arg("data") = py::none(), py::arg("split") = "valid", py::arg("eval_length") = 0,
           py::arg("strict_data") = false,
           "`cadenza eval --checkpoint`'s figures as a dict: NLL (nats per step), accuracy, steps and the "
           "family's own; data (default: the run's corpus), split, eval_length (0: the run's)")
      .def("__repr__", [](const TrainedModel& t) {
        return fmt::format("TrainedModel(family='{}', step={}, parameters={})", t.spec.model, t.step,
                           t.model->num_parameters());
      });

  m.def(
      "load",
      [](const std::filesystem::path& run, const std::string& device) {
        TrainedModel t = models::load_trained_model(run);
        t.model->to(device_arg(device));
        return t;
      },
      py::arg("run"), py::arg("device") = "cpu",
      "A trained model from a run directory (its last checkpoint), one of its checkpoint files "
      "(DIR/best.safetensors) or the name of a zoo model");
  m.def("zoo", &zoo, "The model zoo: one dict per model (name, family, summary, corpus, license, dir)");
  m.def("families", &models::model_names, "The model families train() takes");
}

}  // namespace cadenza::python
