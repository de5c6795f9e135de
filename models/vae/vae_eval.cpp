#include "models/vae/vae_eval.h"

#include "engine/autograd.h"
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
      out.parts.push_back({model.parts()[k].name, part_nll[k] / out.tokens, correct[k] / out.tokens,
                           sampled_correct[k] / out.tokens});
      out.accuracy += out.parts.back().accuracy / double(K);
      out.sampled_accuracy += out.parts.back().sampled_accuracy / double(K);
    }
  }
  return out;
}

}  // namespace cadenza::models
