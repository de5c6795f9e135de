#pragma once
// Commands that only some families support (`cadenza interpolate`, `harmonize`, ...) reach
// a model through an interface of models/ that such a family implements — LatentModel
// (latent_model.h), Harmonizer (harmonizer.h) — never through its class.
#include <fmt/format.h>

#include <string>

#include "engine/error.h"
#include "models/model.h"

namespace cadenza::models {

// `model` as the capability `Cap`, or nullptr when its family has none.
template <class Cap>
Cap* capability(Model& model) {
  return dynamic_cast<Cap*>(&model);
}

// The same, throwing "<where>: <what> needs <needs>, not a '<model>' model" without it.
template <class Cap>
Cap& require_capability(Model& model, const std::string& where, const std::string& needs) {
  Cap* cap = capability<Cap>(model);
  CADENZA_CHECK(cap, "{}: needs {}, not a '{}' model", where, needs, model.name());
  return *cap;
}

}  // namespace cadenza::models
