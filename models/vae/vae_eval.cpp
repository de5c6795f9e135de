#include "models/vae/vae_eval.h"

#include <fmt/format.h>

#include "engine/autograd.h"
#include "engine/error.h"
#include "models/vae/vae_loss.h"
#include "ops/ops.h"

namespace cadenza::models {

VaeEvalResult evaluate_vae(MusicVae& model, const Dataset& data, DataSplit split, int64_t max_batches) {
  nn::EvalScope eval_mode(model);
  NoGradGuard no_grad;
  const size_t K = model.parts().size();
  double nll = 0, kl = 0;
  std::vector<double> part_nll(K), correct(K), sampled_correct(K);
  VaeEvalResult out;
  data.for_each_eval_batch(
      split,
      [&, device = model.device()](const Batch& host) {
        const Batch batch = to_device(host, device);
        const MusicVae::Terms r = model.loss_terms(batch);
        nll += r.result.nll_sum, out.tokens += r.result.steps;
        kl += sum(vae::gaussian_kl(r.mu, r.sigma)).item<double>();
        out.sequences += double(batch.targets.size(0));
        const std::vector<std::vector<int32_t>> rec = model.reconstruct(batch.targets);
        const std::vector<int64_t> want = to(batch.targets, Device::cpu()).to_vector<int64_t>();
        const size_t T = size_t(batch.targets.size(1));
        for (size_t k = 0; k < K; ++k) part_nll[k] += r.part_nll[k], correct[k] += r.part_correct[k];
        for (size_t b = 0; b < rec.size(); ++b)
          for (size_t t = 0; t < T; ++t) {
            if (want[b * T + t] < 0) continue;
            const std::vector<int32_t> got = model.part_classes(rec[b][t]), truth = model.part_classes(want[b * T + t]);
            for (size_t k = 0; k < K; ++k) sampled_correct[k] += got[k] == truth[k];
          }
      },
      max_batches);
  if (out.tokens > 0) {
    out.nll = nll / out.tokens;
    out.kl = kl / out.sequences;
    out.accuracy = out.sampled_accuracy = 0;
    for (size_t k = 0; k < K; ++k) {
      out.parts.push_back(
          {model.parts()[k].name, part_nll[k] / out.tokens, correct[k] / out.tokens, sampled_correct[k] / out.tokens});
      out.accuracy += out.parts.back().accuracy / double(K);
      out.sampled_accuracy += out.parts.back().sampled_accuracy / double(K);
    }
  }
  return out;
}

EvalReport vae_eval_report(Model& model, const Dataset& data, DataSplit split) {
  auto* vae = dynamic_cast<MusicVae*>(&model);
  CADENZA_CHECK(vae, "model '{}' is no music_vae model; it has no KL to report", model.name());
  // One pass gives the shared figures too (the same teacher-forced NLL and accuracy).
  const VaeEvalResult v = evaluate_vae(*vae, data, split);
  EvalReport report;
  report.result = {v.nll, v.accuracy, v.tokens};
  report.figures["kl"] = v.kl;
  report.figures["kl_unit"] = "nats/sequence";
  report.figures["sampled_accuracy"] = v.sampled_accuracy;
  report.figures["sequences"] = v.sequences;
  nlohmann::json parts = nlohmann::json::object();
  for (const auto& p : v.parts)
    parts[p.name] = {{"nll", p.nll}, {"accuracy", p.accuracy}, {"sampled_accuracy", p.sampled_accuracy}};
  report.figures["parts"] = parts;
  report.text = fmt::format(
      "KL        {:.4f} nats per sequence ({:.0f} sequences)\n"
      "reconstruction accuracy, greedy from z = mu: {:.4f}\n",
      v.kl, v.sequences, v.sampled_accuracy);
  if (v.parts.size() > 1) {
    report.nll_note = " (the sum of the tracks' NLLs)";
    report.accuracy_note = " (the tracks' mean)";
    report.text += fmt::format("{:<8} {:>12} {:>10} {:>16}\n", "track", "NLL/step", "accuracy", "reconstruction");
    for (const auto& p : v.parts)
      report.text +=
          fmt::format("{:<8} {:>12.4f} {:>10.4f} {:>16.4f}\n", p.name, p.nll, p.accuracy, p.sampled_accuracy);
  }
  return report;
}

}  // namespace cadenza::models
