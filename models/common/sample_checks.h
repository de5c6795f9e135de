#pragma once
// Checks shared by the LSTM families' samplers, so every model rejects nonsense options
// with the same one-line message before any work starts.
#include <string>
#include <vector>

#include "models/model.h"

namespace cadenza::models {

// length >= 1, temperature > 0 (and finite), top_k >= 0, 0 < top_p <= 1, beam >= 1.
// Throws naming the model and the first bad option.
void check_sample_options(const SampleOptions& o, const std::string& model);

// Every key of o.controls must be one of `known` (which may be empty: a model without
// conditioning), so a control the model cannot follow is refused instead of ignored.
void check_controls(const SampleOptions& o, const std::string& model, const std::vector<std::string>& known);

}  // namespace cadenza::models
