#include "models/deepbach/voice_eval.h"

#include <fmt/format.h>

#include "engine/autograd.h"
#include "engine/error.h"
#include "models/deepbach/deepbach.h"
#include "models/train.h"

namespace cadenza::models::deepbach {

EvalReport voice_eval_report(Model& model, const Dataset& data, DataSplit split) {
  auto* deepbach = dynamic_cast<DeepBach*>(&model);
  CADENZA_CHECK(deepbach, "model '{}' is no deepbach model; it has no per-voice NLL", model.name());
  EvalReport report;
  report.result = evaluate(model, data, split);
  nn::EvalScope eval_mode(model);
  NoGradGuard no_grad;
  DeepBach::VoiceNll total;
  data.for_each_eval_batch(split, [&](const Batch& batch) {
    const auto r = deepbach->voice_nll(to_device(batch, model.device()));
    for (int v = 0; v < kVoices; ++v) total.nll_sum[v] += r.nll_sum[v], total.cells[v] += r.cells[v];
  });
  const std::vector<std::string> names = deepbach->voice_names();
  nlohmann::json voices = nlohmann::json::object();
  for (int v = 0; v < kVoices; ++v) voices[names[v]] = total.cells[v] > 0 ? total.nll_sum[v] / total.cells[v] : NAN;
  for (const auto& [voice, nll] : voices.items())
    report.text += fmt::format("  {:<8}{:.4f} nats per voice-step\n", voice, nll.get<double>());
  report.figures["voice_nll"] = voices;
  return report;
}

}  // namespace cadenza::models::deepbach
