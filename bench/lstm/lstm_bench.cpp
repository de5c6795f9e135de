// The LSTM language-model workloads of issue 12, each timed in cadenza and in PyTorch
// (bench/lstm/lstm_torch.py, Debian's python3-torch) in the same run at the same thread count:
//   train        Embedding(390, 256) -> 2×512 LSTM -> Linear(512, 390), batch 32, length 128,
//                cross-entropy, Adam (lr 1e-3): tokens per second of whole steps
//   sample       batch 1, 256 tokens from a start token, softmax + multinomial each step,
//                the recurrent state carried: tokens per second (f32 weights)
//   sample-bf16  the same with the LSTM's weights rounded to bf16 for inference; the peer is
//                PyTorch's f32 sampler (the target compares against f32)
// It also measures the two limits these workloads run into: sgemm throughput (the training
// step is GEMM-bound) and the bandwidth of streaming the model's weights once (a batch-1
// step reads every weight once), and prints the fraction of each limit reached.
//
// Usage: bench_lstm [WORKLOAD ...] [--threads N] [--steps N] [--no-peer] [--json]
//   (default: all three workloads, 2 threads, 5 train steps / 5 sampling runs)
// --json prints one object {"<workload>": {"cadenza": x, "pytorch": y, "ratio": r}, ...}.
#include <fmt/format.h>
#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/lstm/lstm_lm.h"
#include "engine/cpu/parallel.h"
#include "engine/error.h"

using namespace cadenza;
using namespace cadenza::bench;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The PyTorch peer's tokens/s for one workload (its last output line: "<workload> <rate>").
double pytorch_rate(const std::string& workload, int threads, int steps) {
  const std::string peer = workload == "train" ? "train" : "sample";
  const std::string cmd =
      fmt::format("/usr/bin/python3 '{}/bench/lstm/lstm_torch.py' {} {} {}", CADENZA_SOURCE_DIR, peer, threads, steps);
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), &pclose);
  CADENZA_CHECK(pipe != nullptr, "bench_lstm: cannot run {}", cmd);
  std::string out;
  std::array<char, 256> buf;
  while (fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
  double rate = 0;
  char name[32] = {};
  CADENZA_CHECK(std::sscanf(out.c_str(), "%31s %lf", name, &rate) == 2 && rate > 0,
                "bench_lstm: the PyTorch peer printed '{}' for {}", out, cmd);
  return rate;
}

double cadenza_rate(const std::string& workload, int steps, Limits& limits) {
  std::unique_ptr<LstmLm> lm = make_lstm_lm();
  LstmLm& model = *lm;
  if (workload == "train") {
    TrainBatch batch = random_batch(32, 128);
    auto opt = make_adam(model, 1e-3);
    train_step(model, *opt, batch);  // warm-up: Adam state, allocator caches
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < steps; ++i) train_step(model, *opt, batch);
    double rate = steps * 32.0 * 128 / seconds_since(t0);
    limits.fraction = rate * train_flops_per_token() / (limits.sgemm_gflops * 1e9);
    return rate;
  }
  if (workload == "sample-bf16") model.lstm->quantize_for_inference(nn::WeightPrecision::bf16);
  Generator gen(1);
  sample_tokens(model, 256, gen);  // warm-up
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) sample_tokens(model, 256, gen);
  double rate = steps * 256.0 / seconds_since(t0);
  limits.fraction = rate * double(inference_weight_bytes(model)) / (limits.stream_gbs * 1e9);
  return rate;
}

}  // namespace

int main(int argc, char** argv) try {
  std::vector<std::string> workloads;
  int threads = 2, steps = 5;
  bool peer = true, json = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--threads" || a == "--steps") && i + 1 < argc) {
      int v = std::atoi(argv[++i]);
      CADENZA_CHECK(v >= 1, "bench_lstm: {} needs a positive number, got '{}'", a, argv[i]);
      (a == "--threads" ? threads : steps) = v;
    } else if (a == "--no-peer") {
      peer = false;
    } else if (a == "--json") {
      json = true;
    } else if (a == "train" || a == "sample" || a == "sample-bf16") {
      workloads.push_back(a);
    } else {
      fail(
          "bench_lstm: unknown argument '{}' (workloads: train sample sample-bf16; options: --threads N, "
          "--steps N, --no-peer, --json)",
          a);
    }
  }
  if (workloads.empty()) workloads = {"train", "sample", "sample-bf16"};
  cpu::set_num_threads(threads);
  Limits base = measure_limits();
  if (!json)
    fmt::print("limits: sgemm {:.1f} GFLOP/s, weight streaming {:.1f} GB/s ({} threads)\n", base.sgemm_gflops,
               base.stream_gbs, threads);
  nlohmann::json out;
  for (const std::string& w : workloads) {
    Limits limits = base;
    double ours = cadenza_rate(w, steps, limits);
    double theirs = peer ? pytorch_rate(w, threads, steps) : 0;
    out[w] = {{"cadenza", ours},
              {"pytorch", theirs},
              {"ratio", peer ? ours / theirs : 0},
              {"limit_fraction", limits.fraction}};
    if (!json)
      fmt::print("{:<12} cadenza {:9.1f} tok/s   pytorch {:9.1f} tok/s   ratio {:5.2f}   {:.0f}% of limit\n", w, ours,
                 theirs, peer ? ours / theirs : 0.0, 100 * limits.fraction);
  }
  if (json) fmt::print("{}\n", out.dump());
} catch (const std::exception& e) {
  fmt::print(stderr, "{}\n", e.what());
  return 1;
}
