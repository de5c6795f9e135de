// GEMM, attention and an LSTM step on the Vulkan backend, with the CPU backend measured in
// the same run for reference. Each case runs `reps` times back to back and is timed to the
// end of the last result (vulkan::synchronize()), so recording, submission and the device
// work all count; rounds alternate the backends and medians are reported.
//
//   build/bench/vulkan/bench_vulkan [rounds]
//   CADENZA_VULKAN_DEVICE=<index|name> picks the device (see `cadenza devices`);
//   CADENZA_THREADS=<n> sets the CPU backend's threads.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "engine/autograd.h"
#include "engine/cpu/parallel.h"
#include "engine/vulkan/runtime.h"
#include "ops/half_matmul.h"
#include "ops/ops.h"
#include "ops/samples.h"

using namespace cadenza;

namespace {

using testing::uniform_input;

struct Case {
  std::string what;
  double flops;  // per call, 0 when not meaningful
  // Returns a function that runs one call on `device` with inputs already there.
  std::function<std::function<void()>(Device)> make;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Seconds per call: `reps` calls, then wait for the device.
double time_per_call(const std::function<void()>& fn, int reps) {
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) fn();
  vulkan::synchronize();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps;
}

Case gemm(const std::string& what, int64_t M, int64_t N, int64_t K, bool trans_b) {
  return {what, 2.0 * M * N * K, [=](Device d) -> std::function<void()> {
            Tensor a = to(uniform_input({M, K}, DType::f32), d);
            Tensor b = to(trans_b ? uniform_input({N, K}, DType::f32) : uniform_input({K, N}, DType::f32), d);
            return [a, b, trans_b] { matmul(a, b, false, trans_b); };
          }};
}

// q [1, H, L, D] against S keys; causal with relative positions when `relative`.
Case attention_case(const std::string& what, int64_t H, int64_t L, int64_t S, int64_t D, bool relative) {
  double flops = 2.0 * H * L * S * D * (relative ? 3 : 2);
  return {
      what, flops, [=](Device d) -> std::function<void()> {
        Tensor q = to(uniform_input({1, H, L, D}, DType::f32), d), k = to(uniform_input({1, H, S, D}, DType::f32), d);
        Tensor v = to(uniform_input({1, H, S, D}, DType::f32), d);
        Tensor rel = relative ? to(uniform_input({S, D}, DType::f32), d) : Tensor();
        return [=] { attention(q, k, v, relative, {}, rel); };
      }};
}

// One LSTM step: gates = x W_ih^T + h W_hh^T + b, then the fused cell.
Case lstm_step(const std::string& what, int64_t B, int64_t I, int64_t H) {
  return {
      what, 2.0 * B * 4 * H * (I + H), [=](Device d) -> std::function<void()> {
        Tensor x = to(uniform_input({B, I}, DType::f32), d), h = to(uniform_input({B, H}, DType::f32), d);
        Tensor c = to(uniform_input({B, H}, DType::f32), d);
        Tensor w_ih = to(uniform_input({4 * H, I}, DType::f32), d), w_hh = to(uniform_input({4 * H, H}, DType::f32), d);
        Tensor bias = to(uniform_input({4 * H}, DType::f32), d);
        return [=] {
          Tensor gates = add(add(matmul(x, w_ih, false, true), matmul(h, w_hh, false, true)), bias);
          lstm_pointwise(gates, c);
        };
      }};
}

// The same products with f16 weights (ops/half_matmul.h, what `cadenza sample --half`
// uses): x [M, K] times W [N, K] transposed, W read as halves. Device columns only: on the
// CPU matmul_half is a reference loop (the CPU's reduced-precision path is bf16).
Case gemm_f16(const std::string& what, int64_t M, int64_t N, int64_t K) {
  return {what, 2.0 * M * N * K, [=](Device d) -> std::function<void()> {
            if (d.is_cpu()) return {};
            Tensor a = to(uniform_input({M, K}, DType::f32), d);
            HalfMatrix w = to_half(to(uniform_input({N, K}, DType::f32), d));
            return [a, w] { matmul_half(a, w); };
          }};
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::stoi(argv[1]) : 3;
  if (!vulkan::available()) {
    std::fprintf(stderr, "bench_vulkan: no Vulkan device: %s\n", vulkan::reason().c_str());
    return 1;
  }
  NoGradGuard no_grad;  // inference: attention() takes the fused kernel on the device
  const std::vector<Case> cases = {
      gemm("GEMM [512x512]@[512x512]", 512, 512, 512, false),
      gemm("GEMM LSTM gates [256x512]@[512x2048]^T", 256, 2048, 512, true),
      gemm("GEMM decode step [1x512]@[512x2048]^T", 1, 2048, 512, true),
      gemm("GEMM decode step [8x512]@[512x2048]^T", 8, 2048, 512, true),
      gemm_f16("GEMM f16 weights [1x512]@[512x2048]^T", 1, 2048, 512),
      gemm_f16("GEMM f16 weights [8x512]@[512x2048]^T", 8, 2048, 512),
      gemm_f16("GEMM f16 weights [256x512]@[512x2048]^T", 256, 2048, 512),
      attention_case("attention L=S=256, 4 heads, D=32, causal+rel", 4, 256, 256, 32, true),
      attention_case("attention cache step L=1 S=1024, 8 heads, D=64", 8, 1, 1024, 64, false),
      lstm_step("LSTM step B=1, 512 -> 512", 1, 512, 512),
      lstm_step("LSTM step B=64, 512 -> 512", 64, 512, 512),
  };
  // The device's GEMM paths side by side (the LSTM step's products follow them too; attention
  // is the fused kernel in every device column).
  struct Column {
    const char* name;
    Device device;
    vulkan::GemmPath gemm;
  };
  std::vector<Column> columns = {{"cpu", Device::cpu(), vulkan::GemmPath::automatic},
                                 {"vk tiled", Device::vulkan(), vulkan::GemmPath::tiled},
                                 {"vk auto", Device::vulkan(), vulkan::GemmPath::automatic}};
  if (vulkan::has_skinny_gemm()) columns.push_back({"vk skinny", Device::vulkan(), vulkan::GemmPath::skinny});
  std::printf("device: %s; cpu: %d threads; median of %d rounds, ms per call (GFLOP/s)\n",
              vulkan::device_name().c_str(), cpu::num_threads(), rounds);
  std::printf("%-50s", "case");
  for (const Column& c : columns) std::printf(" %20s", c.name);
  std::printf("\n");
  for (const Case& cs : cases) {
    std::vector<std::function<void()>> fns;
    for (const Column& c : columns) fns.push_back(cs.make(c.device));
    // About 0.2 s of work per round and column (lavapipe can be 100x slower than the CPU).
    std::vector<int> reps(columns.size());
    for (size_t i = 0; i < columns.size(); ++i) {
      if (!fns[i]) continue;  // a case this column does not run
      vulkan::set_gemm_path(columns[i].gemm);
      time_per_call(fns[i], 1);  // warm-up: pipelines, pool
      reps[i] = std::clamp(static_cast<int>(0.2 / std::max(time_per_call(fns[i], 1), 1e-6)), 1, 200);
    }
    std::vector<std::vector<double>> t(columns.size());
    for (int r = 0; r < rounds; ++r)
      for (size_t i = 0; i < columns.size(); ++i) {
        if (!fns[i]) continue;
        vulkan::set_gemm_path(columns[i].gemm);
        t[i].push_back(time_per_call(fns[i], reps[i]));
      }
    std::printf("%-50s", cs.what.c_str());
    for (auto& ti : t) {
      if (ti.empty()) {
        std::printf(" %20s", "-");
        continue;
      }
      double s = median(ti);
      std::printf(" %9.3f (%7.2f)", s * 1e3, cs.flops / s / 1e9);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  vulkan::set_gemm_path(vulkan::GemmPath::automatic);
  return 0;
}
