// sgemm through the engine (matmul op: TBB slabs over single-threaded OpenBLAS) against
// OpenBLAS called directly with its own threads, at the shapes cadenza's models use.
// Both sides use the same thread count (CADENZA_THREADS, default: cores); rounds
// alternate between the two so machine noise hits both alike; medians are reported.
//
//   build/bench/engine/bench_gemm [--json] [rounds]
// --json prints one line: [{"shape", "engine", "openblas"} (GFLOP/s), ...] for bench/compare.
#include <algorithm>
#include <cblas.h>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
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

}  // namespace

int main(int argc, char** argv) {
  const bool json = argc > 1 && !std::strcmp(argv[1], "--json");
  if (json) --argc, ++argv;
  int rounds = argc > 1 ? std::stoi(argv[1]) : 5;
  nlohmann::json rows = nlohmann::json::array();
  int threads = cpu::num_threads();
  const Shape3 shapes[] = {
      {"LSTM input gates  [4096x256]@[256x2048]^T", 1, 4096, 2048, 256, true},
      {"LSTM recurrent    [32x512]@[512x2048]^T", 1, 32, 2048, 512, true},
      {"LSTM grad weights [2048x4096]@[4096x512]", 1, 2048, 512, 4096, false},
      {"Transformer FFN   [4096x256]@[256x1024]", 1, 4096, 1024, 256, false},
      {"attention scores  128 x [256x32]@[32x256]", 128, 256, 256, 32, true},
      {"output logits     [4096x512]@[512x390]", 1, 4096, 390, 512, false},
      {"attention QKV     [4096x256]@[256x768]^T", 1, 4096, 768, 256, true},
      {"attention context 128 x [256x256]@[256x32]", 128, 256, 32, 256, false},
      {"Transformer logits [4096x256]@[256x388]^T", 1, 4096, 388, 256, true},
  };
  if (!json) {
    std::printf("sgemm, %d threads, median of %d rounds (GFLOP/s; ratio = engine / OpenBLAS)\n", threads, rounds);
    std::printf("%-45s %10s %10s %7s\n", "shape", "engine", "OpenBLAS", "ratio");
  }
  for (const Shape3& s : shapes) {
    Tensor a = testing::uniform_input({s.batch, s.M, s.K}, DType::f32);
    Tensor b = s.trans_b ? testing::uniform_input({s.batch, s.N, s.K}, DType::f32)
                         : testing::uniform_input({s.batch, s.K, s.N}, DType::f32);
    Tensor c = Tensor::zeros({s.batch, s.M, s.N});
    double flops = 2.0 * s.batch * s.M * s.N * s.K;
    int reps = std::max(1, static_cast<int>(2e9 / flops));
    auto engine = [&] { Tensor r = matmul(a, b, false, s.trans_b); };
    auto direct = [&] {
      for (int64_t i = 0; i < s.batch; ++i)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, s.trans_b ? CblasTrans : CblasNoTrans, s.M, s.N, s.K, 1.f,
                    a.data<float>() + i * s.M * s.K, s.K, b.data<float>() + i * s.N * s.K,
                    s.trans_b ? s.K : s.N, 0.f, c.data<float>() + i * s.M * s.N, s.N);
    };
    std::vector<double> te, td;
    engine();
    for (int r = 0; r < rounds; ++r) {
      te.push_back(seconds_of(engine, reps));
      openblas_set_num_threads(threads);
      td.push_back(seconds_of(direct, reps));
      openblas_set_num_threads(1);  // the engine's setting
    }
    double ge = flops / median(te) / 1e9, gd = flops / median(td) / 1e9;
    if (json) {
      std::string what = s.what;
      while (what.find("  ") != std::string::npos) what.erase(what.find("  "), 1);
      rows.push_back({{"shape", what}, {"engine", ge}, {"openblas", gd}});
    } else {
      std::printf("%-45s %10.1f %10.1f %7.2f\n", s.what, ge, gd, ge / gd);
    }
  }
  if (json) std::printf("%s\n", rows.dump().c_str());
  return 0;
}
