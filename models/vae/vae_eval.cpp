#include "models/vae/vae_eval.h"

#include "engine/autograd.h"
#include "models/vae/vae_loss.h"
#include "ops/ops.h"

namespace cadenza::models {

VaeEvalResult evaluate_vae(MusicVae& model, const Dataset& data, DataSplit split, int64_t max_batches) {
  nn::EvalScope eval_mode(model);
  NoGradGuard no_grad;
  double nll = 0, kl = 0, correct = 0, sampled_correct = 0;
  VaeEvalResult out;
  data.for_each_eval_batch(
      split,
      [&, device = model.device()](const Batch& host) {
        const Batch batch = to_device(host, device);
        const LossResult r = model.loss(batch);
        nll += r.nll_sum, correct += r.correct, out.tokens += r.steps;
        const auto [mu, sigma] = model.encode(batch.targets);
        kl += sum(vae::gaussian_kl(mu, sigma)).item<double>();
        out.sequences += double(batch.targets.size(0));
        const std::vector<std::vector<int32_t>> rec = model.reconstruct(batch.targets);
        const std::vector<int64_t> want = to(batch.targets, Device::cpu()).to_vector<int64_t>();
        const size_t T = size_t(batch.targets.size(1));
        for (size_t b = 0; b < rec.size(); ++b)
          for (size_t t = 0; t < T; ++t) sampled_correct += want[b * T + t] >= 0 && rec[b][t] == want[b * T + t];
      },
      max_batches);
  if (out.tokens > 0) {
    out.nll = nll / out.tokens;
    out.accuracy = correct / out.tokens;
    out.sampled_accuracy = sampled_correct / out.tokens;
    out.kl = kl / out.sequences;
  }
  return out;
}

}  // namespace cadenza::models
