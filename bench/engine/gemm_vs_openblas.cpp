// sgemm through the engine (matmul op: TBB slabs over the engine's AVX-512 kernel, or over
// single-threaded OpenBLAS without AVX-512) against OpenBLAS called directly, at the shapes
// cadenza's models use: a single product on OpenBLAS's own threads, a batch of small
// products on single-threaded OpenBLAS with the batch split over plain threads.
// Both sides use the same thread count (CADENZA_THREADS, default: cores).
//
// Where the environment pins OpenBLAS's kernels (OPENBLAS_CORETYPE, with OPENBLAS_L2_SIZE),
// OpenBLAS also runs unpinned, in a child without both variables: the kernels its own
// dispatch picks for this CPU (AVX-512 ones on Zen 4/5), each product checked against the
// engine's. The peer of each shape is the faster of the two.
//
// Each side runs in its own process: OpenBLAS's worker threads spin for a while after a
// call, and TBB's after a loop, so timing one side right after the other in one process
// charges it for the other's idle spinning (this once showed as 0.53x-1.5x swings at the
// same shape). The parent alternates child processes, engine first in even rounds and
// OpenBLAS first in odd ones, so load from the shared machine hits both alike, and reports
// medians over all rounds.
//
//   build/bench/engine/bench_gemm [--json] [rounds]
//   build/bench/engine/bench_gemm --side engine|openblas   (one child: a JSON line)
// --json prints one line: [{"shape", "engine", "openblas", "openblas_unpinned",
// "openblas_core", "openblas_unpinned_core", "unpinned_max_error"}, ...] (GFLOP/s) for
// bench/compare; without a pin the unpinned fields are null.
#include <cblas.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "engine/cpu/parallel.h"
#include "ops/ops.h"
#include "ops/samples.h"

using namespace cadenza;

namespace {

struct Shape3 {
  const char* what;
  int64_t batch, M, N, K;
  bool trans_b;
};

double seconds_of(auto&& fn, int reps) {
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Timings of each shape per child process (the child reports their median).
constexpr int kTimingsPerChild = 3;

// The models' GEMM shapes, in bench/RESULTS.md's order.
const std::vector<Shape3> kShapes = {
    {"LSTM input gates  [4096x256]@[256x2048]^T", 1, 4096, 2048, 256, true},
    {"LSTM recurrent    [32x512]@[512x2048]^T", 1, 32, 2048, 512, true},
    {"DeepBach recurrent [8x200]@[200x800]^T", 1, 8, 800, 200, true},
    {"LSTM grad weights [2048x4096]@[4096x512]", 1, 2048, 512, 4096, false},
    {"Transformer FFN   [4096x256]@[256x1024]", 1, 4096, 1024, 256, false},
    {"attention scores  128 x [256x32]@[32x256]", 128, 256, 256, 32, true},
    {"output logits     [4096x512]@[512x390]", 1, 4096, 390, 512, false},
    {"attention QKV     [4096x256]@[256x768]^T", 1, 4096, 768, 256, true},
    {"attention context 128 x [256x256]@[256x32]", 128, 256, 32, 256, false},
    {"Transformer logits [4096x256]@[256x388]^T", 1, 4096, 388, 256, true},
};

// One side, every shape: {"core": OpenBLAS's kernel set, "gflops": [the median of `rounds`
// timings of about 2 GFLOP each], "max_error": [OpenBLAS's largest difference from the
// engine's product over sqrt(K), per shape; none on the engine's side]}.
nlohmann::json run_side(bool engine_side, int rounds) {
  nlohmann::json out = {
      {"core", openblas_get_corename()}, {"gflops", nlohmann::json::array()}, {"max_error", nlohmann::json::array()}};
  for (const Shape3& s : kShapes) {
    if (!engine_side) openblas_set_num_threads(s.batch == 1 ? cpu::num_threads() : 1);
    Tensor a = testing::uniform_input({s.batch, s.M, s.K}, DType::f32);
    Tensor b = s.trans_b ? testing::uniform_input({s.batch, s.N, s.K}, DType::f32)
                         : testing::uniform_input({s.batch, s.K, s.N}, DType::f32);
    Tensor c = Tensor::zeros({s.batch, s.M, s.N});
    double flops = 2.0 * s.batch * s.M * s.N * s.K;
    int reps = std::max(1, static_cast<int>(2e9 / flops));
    auto engine = [&] { Tensor r = matmul(a, b, false, s.trans_b); };
    auto product = [&](int64_t i) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, s.trans_b ? CblasTrans : CblasNoTrans, s.M, s.N, s.K, 1.f,
                  a.data<float>() + i * s.M * s.K, s.K, b.data<float>() + i * s.N * s.K, s.trans_b ? s.K : s.N, 0.f,
                  c.data<float>() + i * s.M * s.N, s.N);
    };
    // A single product runs on OpenBLAS's own threads; a batch of small ones on
    // single-threaded OpenBLAS per product, the batch split over the threads (what the
    // engine does, and what a user batching small products would write).
    auto direct = [&] {
      if (s.batch == 1) return product(0);
      const int64_t nt = std::min<int64_t>(cpu::num_threads(), s.batch);
      std::vector<std::thread> pool;
      for (int64_t t = 0; t < nt; ++t)
        pool.emplace_back([&, t] {
          for (int64_t i = t * s.batch / nt; i < (t + 1) * s.batch / nt; ++i) product(i);
        });
      for (std::thread& th : pool) th.join();
    };
    std::vector<double> t;
    engine_side ? engine() : direct();  // warm-up
    for (int r = 0; r < rounds; ++r) t.push_back(engine_side ? seconds_of(engine, reps) : seconds_of(direct, reps));
    out["gflops"].push_back(flops / median(t) / 1e9);
    if (!engine_side) {
      const std::vector<float> got = c.to_vector<float>(), want = matmul(a, b, false, s.trans_b).to_vector<float>();
      double worst = 0;
      for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, double(std::abs(got[i] - want[i])));
      out["max_error"].push_back(worst / std::sqrt(double(s.K)));
    }
  }
  return out;
}

// The variables that pin OpenBLAS's kernels; a child with `unpinned` runs without them.
bool pinned() { return std::getenv("OPENBLAS_CORETYPE") != nullptr; }

nlohmann::json run_child(const std::string& self, const char* side, int rounds, bool unpinned = false) {
  std::string cmd = (unpinned ? "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE " : "") + self + " --side " + side + " " +
                    std::to_string(rounds);
  FILE* p = popen(cmd.c_str(), "r");
  std::string text;
  char buf[4096];
  while (p && std::fgets(buf, sizeof buf, p)) text += buf;
  if (!p || pclose(p) != 0 || text.empty()) {
    std::fprintf(stderr, "bench_gemm: error: child '%s' failed\n", cmd.c_str());
    std::exit(1);
  }
  return nlohmann::json::parse(text);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 && !std::strcmp(argv[1], "--side")) {
    int rounds = argc > 3 ? std::stoi(argv[3]) : 5;
    std::printf("%s\n", run_side(!std::strcmp(argv[2], "engine"), rounds).dump().c_str());
    return 0;
  }
  // popen runs a shell, so the children need this binary's real path, not /proc/self/exe.
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const bool json = argc > 1 && !std::strcmp(argv[1], "--json");
  if (json) --argc, ++argv;
  int rounds = argc > 1 ? std::stoi(argv[1]) : 6;
  // Per shape, the rates of: the engine, OpenBLAS as the environment has it, OpenBLAS unpinned.
  std::vector<std::vector<double>> rates[3];
  for (auto& r : rates) r.resize(kShapes.size());
  std::vector<double> unpinned_error(kShapes.size(), 0.0);
  std::string core[3];
  const int sides = pinned() ? 3 : 2;
  for (int r = 0; r < rounds; ++r) {
    for (int k = 0; k < sides; ++k) {
      const int side = (r + k) % sides;  // each side leads in turn
      nlohmann::json g = run_child(self, side == 0 ? "engine" : "openblas", kTimingsPerChild, side == 2);
      core[side] = g["core"].get<std::string>();
      for (size_t i = 0; i < kShapes.size(); ++i) {
        rates[side][i].push_back(g["gflops"][i].get<double>());
        if (side == 2) unpinned_error[i] = std::max(unpinned_error[i], g["max_error"][i].get<double>());
      }
    }
  }
  const auto& ge = rates[0];
  const auto& gd = rates[1];
  nlohmann::json rows = nlohmann::json::array();
  if (!json) {
    std::printf(
        "sgemm, %d threads, median of %d rounds x %d timings, each side in its own process\n"
        "(GFLOP/s; ratio = engine / the faster OpenBLAS; OpenBLAS kernels: %s%s%s)\n",
        cpu::num_threads(), rounds, kTimingsPerChild, core[1].c_str(), pinned() ? ", unpinned " : "", core[2].c_str());
    std::printf("%-45s %10s %10s %10s %7s %10s\n", "shape", "engine", "OpenBLAS", "unpinned", "ratio", "max err");
  }
  for (size_t i = 0; i < kShapes.size(); ++i) {
    const double e = median(ge[i]), d = median(gd[i]);
    const double u = pinned() ? median(rates[2][i]) : 0.0;
    if (json) {
      std::string what = kShapes[i].what;
      while (what.find("  ") != std::string::npos) what.erase(what.find("  "), 1);
      nlohmann::json row = {{"shape", what},
                            {"engine", e},
                            {"openblas", d},
                            {"openblas_core", core[1]},
                            {"openblas_unpinned", nullptr},
                            {"openblas_unpinned_core", nullptr},
                            {"unpinned_max_error", nullptr}};
      if (pinned())
        row.update(
            {{"openblas_unpinned", u}, {"openblas_unpinned_core", core[2]}, {"unpinned_max_error", unpinned_error[i]}});
      rows.push_back(row);
    } else {
      std::printf("%-45s %10.1f %10.1f %10.1f %7.2f %10.1e\n", kShapes[i].what, e, d, u, e / std::max(d, u),
                  unpinned_error[i]);
    }
  }
  if (json) std::printf("%s\n", rows.dump().c_str());
  return 0;
}
