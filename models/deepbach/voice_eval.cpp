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
  data.for_each_eval_batch(
      split, [&](const Batch& batch) { total.add(deepbach->voice_nll(to_device(batch, model.device()))); });
  const std::vector<std::string> names = deepbach->voice_names();
  const char* kinds[DeepBach::kCellKinds] = {"rests", "holds", "onsets"};
  const auto ratio = [](double a, double b) { return b > 0 ? a / b : NAN; };
  nlohmann::json voices = nlohmann::json::object(), by_kind = nlohmann::json::object();
  report.text += "  voice   nats per voice-step; at note onsets: share of cells, nats, accuracy; at holds: nats\n";
  for (int v = 0; v < kVoices; ++v) {
    voices[names[v]] = ratio(total.nll_sum[v], total.cells[v]);
    for (int k = 0; k < DeepBach::kCellKinds; ++k)
      by_kind[names[v]][kinds[k]] = {{"share", ratio(total.kind_cells[v][k], total.cells[v])},
                                     {"nll", ratio(total.kind_nll[v][k], total.kind_cells[v][k])},
                                     {"accuracy", ratio(total.kind_correct[v][k], total.kind_cells[v][k])}};
    const auto& onsets = by_kind[names[v]]["onsets"];
    report.text +=
        fmt::format("  {:<8}{:.4f}  onsets {:.3f}: {:.4f}, {:.3f}  holds {:.4f}\n", names[v],
                    voices[names[v]].get<double>(), onsets["share"].get<double>(), onsets["nll"].get<double>(),
                    onsets["accuracy"].get<double>(), by_kind[names[v]]["holds"]["nll"].get<double>());
  }
  report.figures["voice_nll"] = voices;
  report.figures["voice_cells"] = by_kind;
  return report;
}

}  // namespace cadenza::models::deepbach
