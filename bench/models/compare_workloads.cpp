// cadenza's side of bench/compare: one workload of its table per process, so each
// training loop's peak resident memory is its own. bench/models/torch_workloads.py is the
// PyTorch side with the same names, sizes and output.
//
//   bench_compare_workload <workload> [--warmup N] [--reps N]
//
// Prints one JSON line: {"workload", "rate" (median over the timed reps), "unit",
// "items_per_rep", "flops_per_item" (GEMM FLOPs counted by the engine, training only),
// "bytes_per_item" (weights + cache read per sampled token, sampling only), "maxrss_mb",
// "baseline_rss_mb", "peak_rss_mb", "net_peak_mb", "memory_method" (process_memory.h)}.
// The limit workloads measure the machine with OpenBLAS called directly:
//   limit_sgemm    GFLOP/s of the largest GEMMs these models run;
//   limit_stream   GB/s of an sgemv over the LSTM LM's weights (a batch-1 step's floor).
// A workload the engine cannot run prints {"workload", "error"} and exits 2.
#include <cblas.h>
#include <sys/resource.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/models/lstm_lm.h"
#include "bench/models/process_memory.h"
#include "engine/cpu/blas.h"
#include "engine/cpu/parallel.h"
#include "models/data_parallel.h"
#include "models/gan/gan_step.h"
#include "models/registry.h"
#include "models/transformer/music_transformer.h"
#include "ops/autograd.h"
#include "ops/ops.h"
#include "optim/adam.h"

using namespace cadenza;
using nlohmann::json;

namespace {

// The table's sizes (torch_workloads.py uses the same).
constexpr int64_t kLstmVocab = 390, kLstmEmbed = 256, kLstmHidden = 512, kLstmLayers = 2;
constexpr int64_t kLstmBatch = 32, kLstmLength = 128;
constexpr int64_t kTfLayers = 4, kTfModel = 256, kTfHeads = 8, kTfFf = 1024, kTfBatch = 16, kTfLength = 256;
constexpr int64_t kSampleTokens = 256;
constexpr int64_t kVaeBatch = 64, kGanBatch = 16;  // the small presets' train batches

struct Options {
  int warmup = 1, reps = 3;
};

struct Result {
  double seconds = 0;  // median per rep
  double items_per_rep = 0;
  std::string unit;
  double flops_per_item = 0;
  double bytes_per_item = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The memory of the last time_reps call (one workload per process).
bench::PeakMemory* g_memory = nullptr;

// Median seconds of `rep` after `warmup` untimed calls; GEMM FLOPs of one rep through `flops`.
// Called once the model is built: the memory baseline is taken here.
double time_reps(const Options& o, const std::function<void()>& rep, double* flops = nullptr) {
  static bench::PeakMemory memory;
  memory = bench::PeakMemory{};
  g_memory = &memory;
  for (int i = 0; i < o.warmup; ++i) rep();
  std::vector<double> t;
  for (int i = 0; i < o.reps; ++i) {
    const int64_t f0 = cpu::gemm_flop_count();
    auto t0 = std::chrono::steady_clock::now();
    rep();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    if (flops) *flops = double(cpu::gemm_flop_count() - f0);
  }
  return median(t);
}

double bytes_of(const std::vector<Tensor>& ts) {
  double n = 0;
  for (const Tensor& t : ts) n += double(t.numel()) * 4;
  return n;
}

// One Adam step on `loss()`: zero_grad, forward, backward, update.
std::function<void()> adam_step(optim::Adam& opt, std::function<Tensor()> loss) {
  return [&opt, loss = std::move(loss)] {
    opt.zero_grad();
    Tensor l = loss();
    backward(l);
    opt.step();
  };
}

Result lstm_lm_train(const Options& o) {
  bench::LstmLm lm(kLstmVocab, kLstmEmbed, kLstmHidden, kLstmLayers);
  optim::Adam opt(lm.parameters(), {.lr = 1e-3});
  const Tensor x = randint(0, kLstmVocab, {kLstmBatch, kLstmLength});
  const Tensor y = randint(0, kLstmVocab, {kLstmBatch, kLstmLength});
  Result r{.items_per_rep = double(kLstmBatch * kLstmLength), .unit = "tokens/s"};
  double flops = 0;
  r.seconds = time_reps(o,
                        adam_step(opt,
                                  [&] {
                                    LstmState s;
                                    return cross_entropy(lm.forward(x, s), y);
                                  }),
                        &flops);
  r.flops_per_item = flops / r.items_per_rep;
  return r;
}

Result lstm_sample(const Options& o, bool bf16) {
  bench::LstmLm lm(kLstmVocab, kLstmEmbed, kLstmHidden, kLstmLayers);
  lm.eval();
  Generator gen(1);
  Result r{.items_per_rep = double(kSampleTokens), .unit = "tokens/s"};
  r.bytes_per_item = bytes_of(lm.lstm->parameters()) + bytes_of(lm.output->parameters()) + kLstmEmbed * 4;
  if (bf16) {
    // The LSTM's weights (not its biases) are read at half the bytes.
    lm.lstm->quantize_for_inference(nn::WeightPrecision::bf16);
    for (const Tensor& p : lm.lstm->parameters())
      if (p.dim() == 2) r.bytes_per_item -= double(p.numel()) * 2;
  }
  r.seconds = time_reps(o, [&] {
    NoGradGuard ng;
    LstmState s;
    int64_t token = 0;
    for (int64_t i = 0; i < kSampleTokens; ++i) {
      Tensor logits = lm.forward(Tensor::from_vector<int64_t>({token}, {1, 1}), s);
      token = sample_logits(reshape(logits, {1, kLstmVocab}), 1.0, 0, 1.0, &gen).item<int64_t>();
    }
  });
  return r;
}

std::shared_ptr<models::MusicTransformer> transformer_lm() {
  models::MusicTransformerConfig c;
  c.layers = kTfLayers, c.d_model = kTfModel, c.heads = kTfHeads, c.d_ff = kTfFf;
  c.max_relative_position = 0;  // plain attention, as torch.nn.TransformerEncoderLayer
  c.dropout = 0;
  return std::make_shared<models::MusicTransformer>(c);
}

Result transformer_lm_train(const Options& o) {
  auto m = transformer_lm();
  optim::Adam opt(m->parameters(), {.lr = 1e-3});
  const int64_t V = m->vocab_size();
  const Tensor x = randint(0, V, {kTfBatch, kTfLength}), y = randint(0, V, {kTfBatch, kTfLength});
  Result r{.items_per_rep = double(kTfBatch * kTfLength), .unit = "tokens/s"};
  double flops = 0;
  r.seconds = time_reps(o, adam_step(opt, [&] { return cross_entropy(m->logits(x), y); }), &flops);
  r.flops_per_item = flops / r.items_per_rep;
  return r;
}

Result transformer_sample(const Options& o) {
  auto m = transformer_lm();
  Generator gen(1);
  models::SampleOptions so;
  so.length = kSampleTokens;
  Result r{.items_per_rep = double(kSampleTokens), .unit = "tokens/s"};
  // Per token: every weight but the embedding table (one row of it), plus the key/value
  // cache, 2 · layers · position · d floats, at its mean position.
  double weights = 0;
  for (const auto& [name, p] : m->named_parameters())
    weights += name.rfind("embedding.", 0) == 0 ? kTfModel * 4.0 : double(p.numel()) * 4;
  r.bytes_per_item = weights + 2.0 * kTfLayers * (kSampleTokens + 1) / 2.0 * kTfModel * 4;
  r.seconds = time_reps(o, [&] { m->generate({m->start_token()}, so, gen); });
  return r;
}

Result music_vae_train(const Options& o) {
  // Teacher forcing throughout (the preset's scheduled sampling would make each run's
  // work depend on its random draws); the PyTorch peer does the same.
  auto m = models::make_model("music_vae", "small", {{"sampling_schedule", "constant"}, {"sampling_rate", 0}});
  optim::Adam opt(m->parameters(), {.lr = 1e-3});
  const int64_t T = 32;
  models::Batch b;
  b.targets = randint(0, 38, {kVaeBatch, T});
  b.inputs = b.targets;
  Result r{.items_per_rep = double(kVaeBatch), .unit = "examples/s"};
  double flops = 0;
  r.seconds = time_reps(o, adam_step(opt, [&] { return m->loss(b).loss; }), &flops);
  r.flops_per_item = flops / r.items_per_rep;
  return r;
}

Result musegan_train(const Options& o) {
  auto base = models::make_model("musegan", "small");
  auto& m = dynamic_cast<models::MuseGan&>(*base);
  const auto& c = m.gan_config();
  models::TrainOptions to;
  to.lr = 1e-3, to.beta1 = 0.5, to.beta2 = 0.9;  // WGAN-GP's Adam, as the peer script uses
  models::GanStep step(m, to);
  models::DataParallel solo(nullptr, m, kGanBatch);
  std::vector<Tensor> real;
  for (int i = 0; i < 5; ++i)
    real.push_back(to_dtype(gt(rand({kGanBatch, c.tracks, c.bars, c.steps, c.pitches}), 0.9), DType::f32));
  size_t next = 0;
  // One GanStep: critic_steps critic updates (each on a batch) and one generator update.
  Result r{.items_per_rep = double(kGanBatch), .unit = "examples/s"};
  double flops = 0;
  auto next_batch = [&] { return models::Batch{real[next++ % real.size()], {}, {}, {}}; };
  r.seconds = time_reps(
      o, [&] { step.run(next_batch, to.lr, solo, false); }, &flops);
  r.flops_per_item = flops / r.items_per_rep;
  return r;
}

// OpenBLAS's own threads (the engine keeps it at 1 and threads around it).
void blas_threads(int n) { openblas_set_num_threads(n); }

Result limit_sgemm(const Options& o) {
  // The largest GEMM of each training workload: LSTM input projection, Transformer FFN,
  // and its backward weight gradient. Best of them is the machine's practical peak.
  struct G {
    int64_t M, N, K;
  };
  const G shapes[] = {{4096, 2048, 256}, {4096, 1024, 256}, {1024, 256, 4096}, {4096, 2048, 512}};
  blas_threads(cpu::num_threads());
  double best = 0;
  for (const G& g : shapes) {
    std::vector<float> a(size_t(g.M * g.K), 0.5f), b(size_t(g.K * g.N), 0.25f), c(size_t(g.M * g.N));
    double s = time_reps(o, [&] {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(g.M), int(g.N), int(g.K), 1.f, a.data(), int(g.K),
                  b.data(), int(g.N), 0.f, c.data(), int(g.N));
    });
    best = std::max(best, 2.0 * g.M * g.N * g.K / s);
  }
  blas_threads(1);
  return {.seconds = 1 / best, .items_per_rep = 1e-9, .unit = "GFLOP/s"};
}

Result limit_stream(const Options& o) {
  // A batch-1 LSTM LM step reads each weight matrix once: y = W x for W_ih, W_hh of both
  // layers and the output layer (the floor of the step's time, whatever the kernel).
  struct G {
    int64_t rows, cols;
  };
  const G mats[] = {{4 * kLstmHidden, kLstmEmbed},
                    {4 * kLstmHidden, kLstmHidden},
                    {4 * kLstmHidden, kLstmHidden},
                    {4 * kLstmHidden, kLstmHidden},
                    {kLstmVocab, kLstmHidden}};
  std::vector<std::vector<float>> w;
  double bytes = 0;
  for (const G& g : mats) w.emplace_back(size_t(g.rows * g.cols), 0.01f), bytes += double(g.rows * g.cols) * 4;
  std::vector<float> x(size_t(4 * kLstmHidden), 1.f), y(size_t(4 * kLstmHidden));
  blas_threads(cpu::num_threads());
  double s = time_reps({.warmup = 20, .reps = 51}, [&] {
    for (int rep = 0; rep < 20; ++rep)
      for (size_t i = 0; i < w.size(); ++i)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, int(mats[i].rows), int(mats[i].cols), 1.f, w[i].data(),
                    int(mats[i].cols), x.data(), 1, 0.f, y.data(), 1);
  });
  blas_threads(1);
  (void)o;
  return {.seconds = s / 20, .items_per_rep = bytes / 1e9, .unit = "GB/s", .bytes_per_item = bytes};
}

double maxrss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;  // kB on Linux
}

int usage() {
  std::fprintf(stderr,
               "usage: bench_compare_workload <workload> [--warmup N] [--reps N]\n"
               "workloads: lstm_lm_train transformer_lm_train lstm_sample_f32 lstm_sample_bf16 transformer_sample\n"
               "           music_vae_train musegan_train limit_sgemm limit_stream\n");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string name = argv[1];
  Options o;
  for (int i = 2; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (!std::strcmp(argv[i], "--warmup") && has_value)
      o.warmup = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--reps") && has_value)
      o.reps = std::atoi(argv[++i]);
    else
      return usage();
  }
  if (o.reps < 1 || o.warmup < 0) return usage();
  const std::map<std::string, std::function<Result(const Options&)>> workloads{
      {"lstm_lm_train", lstm_lm_train},
      {"transformer_lm_train", transformer_lm_train},
      {"lstm_sample_f32", [](const Options& op) { return lstm_sample(op, false); }},
      {"lstm_sample_bf16", [](const Options& op) { return lstm_sample(op, true); }},
      {"transformer_sample", transformer_sample},
      {"music_vae_train", music_vae_train},
      {"musegan_train", musegan_train},
      {"limit_sgemm", limit_sgemm},
      {"limit_stream", limit_stream},
  };
  auto it = workloads.find(name);
  if (it == workloads.end()) return usage();
  Result r;
  try {
    r = it->second(o);
  } catch (const std::exception& e) {
    std::printf("%s\n", json{{"workload", name}, {"error", e.what()}}.dump().c_str());
    return 2;
  }
  json out{{"workload", name},
           {"rate", r.items_per_rep / r.seconds},
           {"unit", r.unit},
           {"items_per_rep", r.items_per_rep},
           {"threads", cpu::num_threads()},
           {"maxrss_mb", maxrss_mb()}};
  if (g_memory) {
    const double peak = g_memory->peak_mb();
    out["baseline_rss_mb"] = g_memory->baseline_mb, out["peak_rss_mb"] = peak;
    out["net_peak_mb"] = peak - g_memory->baseline_mb, out["memory_method"] = g_memory->method();
  }
  if (r.flops_per_item > 0) out["flops_per_item"] = r.flops_per_item;
  if (r.bytes_per_item > 0) out["bytes_per_item"] = r.bytes_per_item;
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
