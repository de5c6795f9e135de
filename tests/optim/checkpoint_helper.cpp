// A separate process for the checkpoint tests (they need a fresh process to resume in, and
// one they can kill mid-save):
//   checkpoint_helper train <steps> <weights_out> [--resume <ckpt>] [--save-at <k> <ckpt>]
//     trains a small model <steps> steps in total (continuing from <ckpt> if given) and
//     writes its final weights; --save-at saves a checkpoint after step k.
//   checkpoint_helper write-loop <ckpt>
//     saves a large checkpoint over and over, its parameter filled with the round number.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/serialize/safetensors.h"
#include "nn/init.h"
#include "nn/linear.h"
#include "ops/ops.h"
#include "optim/adam.h"
#include "optim/checkpoint.h"
#include "optim/schedule.h"

using namespace cadenza;

namespace {

struct Mlp : nn::Module {
  Mlp() {
    fc1 = register_module("fc1", std::make_shared<nn::Linear>(8, 16));
    fc2 = register_module("fc2", std::make_shared<nn::Linear>(16, 4));
  }
  Tensor forward(const Tensor& x) { return fc2->forward(tanh(fc1->forward(x))); }
  std::shared_ptr<nn::Linear> fc1, fc2;
};

// Batch `position` of a deterministic data stream (its own generator per position).
std::pair<Tensor, Tensor> batch(int64_t position) {
  Generator g(1000 + static_cast<uint64_t>(position));
  Tensor x = Tensor::empty({5, 8}), y = Tensor::empty({5, 4});
  nn::init::normal_(x, 0, 1, g);
  nn::init::normal_(y, 0, 1, g);
  return {x, y};
}

int train(int argc, char** argv) {
  int64_t steps = std::atoll(argv[2]);
  std::string out = argv[3], resume, save_path;
  int64_t save_at = -1;
  for (int i = 4; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--resume") resume = argv[++i];
    if (a == "--save-at") save_at = std::atoll(argv[++i]), save_path = argv[++i];
  }
  manual_seed(7);
  Mlp model;
  optim::AdamW opt(model.parameters(), {.lr = 0.01});
  auto sched = optim::cosine_decay(0.01, steps);
  optim::TrainingProgress progress;
  if (!resume.empty()) progress = optim::load_checkpoint(resume, model, &opt);
  for (; progress.step < steps; ++progress.step) {
    auto [x, y] = batch(progress.data_position++);
    // Noise from the global generator: resuming must restore the RNG state too.
    Tensor noise = Tensor::empty(x.shape());
    nn::init::normal_(noise, 0, 0.1, default_generator());
    opt.set_lr(sched(progress.step));
    opt.zero_grad();
    backward(mean(square(sub(model.forward(add(x, noise)), y))));
    opt.step();
    if (progress.step + 1 == save_at) {
      optim::TrainingProgress p{progress.step + 1, progress.data_position};
      optim::save_checkpoint(save_path, model, &opt, p, default_generator(), {{"model", "mlp"}});
    }
  }
  serialize::save_safetensors(out, model.state_dict());
  return 0;
}

struct Big : nn::Module {
  Big() { w = register_parameter("w", Tensor::zeros({1 << 23})); }  // 32 MiB
  Tensor w;
};

int write_loop(char** argv) {
  Big big;
  for (int64_t round = 1;; ++round) {
    {
      NoGradGuard no_grad;
      fill_(big.w, double(round));
    }
    optim::save_checkpoint(argv[2], big, nullptr, {round, round});
    std::printf("%lld\n", static_cast<long long>(round));
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "train" && argc >= 4) return train(argc, argv);
  if (mode == "write-loop" && argc == 3) return write_loop(argv);
  std::fprintf(stderr, "usage: checkpoint_helper train <steps> <out> [...] | write-loop <ckpt>\n");
  return 2;
}
