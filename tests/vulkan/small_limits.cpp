// The Vulkan kernels on a device with small limits. test_vulkan_small_limits runs this file
// together with the kernel tests of test_vulkan under CADENZA_VULKAN_LIMITS (set by CTest,
// tests/vulkan/CMakeLists.txt): 64 invocations per workgroup and 7 KiB of shared memory,
// below what the spec guarantees, so every kernel runs with the smaller workgroups and
// tiles chosen from those limits and must still match the CPU. Here: the choice itself,
// GEMM grids past maxComputeWorkGroupCount (split), and grids and tensors past the limits
// (refused in one line).
#include <cstdlib>
#include <functional>
#include <string>

#include "ops/half_matmul.h"
#include "ops/samples.h"
#include "vulkan_test_util.h"

using namespace cadenza;
using namespace cadenza::vktest;
using cadenza::testing::uniform_input;

namespace {

// Lowers the device's limits for one test and restores them after (the whole binary may
// run in one process).
struct LowerLimits {
  explicit LowerLimits(const std::string& spec) { vulkan::lower_device_limits(spec); }
  ~LowerLimits() { vulkan::restore_device_limits(); }
};

}  // namespace

TEST_CASE("vulkan, small limits: the kernels' sizes come from the lowered limits", "[vulkan][limits]") {
  CADENZA_REQUIRE_VULKAN();
  const char* limits = std::getenv("CADENZA_VULKAN_LIMITS");
  REQUIRE(limits != nullptr);
  INFO("CADENZA_VULKAN_LIMITS=" << limits);
  const vulkan::KernelConfig& k = vulkan::kernel_config();
  CHECK(k.group_size == 64);
  CHECK(k.gemm_tile == 8);     // 32x32 tiles: 16x16 threads do not fit in 64
  CHECK(k.skinny_lanes == 2);  // 4 lanes would need 8 KiB of shared memory
  CHECK(k.attention_group == 64);
  CHECK(k.attention_chunk == 1024);  // so S > 1024 keys go through two chunks
  CHECK(vulkan::has_skinny_gemm());
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan, small limits: GEMM grids past maxComputeWorkGroupCount are split", "[vulkan][limits]") {
  CADENZA_REQUIRE_VULKAN();
  const LowerLimits grid("maxComputeWorkGroupCountX=3,maxComputeWorkGroupCountY=2,maxComputeWorkGroupCountZ=2");
  struct Case {
    Shape a, b;
    bool tb;
  };
  // Columns past 3 tiles, rows past 2, batches past 2 (and skinny ones).
  const std::vector<Case> cases = {{{5, 70, 40}, {5, 40, 150}, false},
                                   {{5, 3, 40}, {5, 150, 40}, true},
                                   {{1, 90}, {200, 90}, true},
                                   {{8, 33}, {33, 70}, false}};
  for (vulkan::GemmPath path : {vulkan::GemmPath::tiled, vulkan::GemmPath::skinny, vulkan::GemmPath::automatic}) {
    vulkan::set_gemm_path(path);
    for (const Case& c : cases) {
      INFO("path " << int(path) << ": " << shape_str(c.a) << " @ " << shape_str(c.b) << (c.tb ? "^T" : ""));
      Tensor a = uniform_input(c.a, DType::f32), b = uniform_input(c.b, DType::f32);
      Tensor want = matmul(a, b, false, c.tb), got = matmul(vk(a), vk(b), false, c.tb);
      CHECK(scaled_error(got, want, 1e-6 * a.size(-1), 1e-6) <= 1);
    }
    // The f16-weight GEMM goes through the same splitting.
    Tensor x = uniform_input({3, 50}, DType::f32), w = uniform_input({120, 50}, DType::f32);
    CHECK(scaled_error(matmul_half(vk(x), to_half(vk(w))), matmul_half(x, to_half(w)), 1e-6, 1e-5) <= 1);
  }
  vulkan::set_gemm_path(vulkan::GemmPath::automatic);
  // Kernels with a flat grid spill into y and then stop: one line naming the kernel.
  Tensor big = uniform_input({1000}, DType::f32);  // 16 workgroups of 64 > 3 x 2
  std::string e = error_of([&] { add(vk(big), vk(big)).to_vector<float>(); });
  INFO(e);
  CHECK(e.find("vulkan binary_f32: 16 workgroups exceed the 3 x 2 grid of ") == 0);
  CHECK(e.find("(maxComputeWorkGroupCount)") != std::string::npos);
  CHECK(e.find('\n') == std::string::npos);
  // A kernel with its own 3-D grid: refused by the stream before recording.
  NoGradGuard no_grad;
  Tensor q = vk(uniform_input({1, 1, 4, 8}, DType::f32));
  e = error_of([&] { attention(q, q, q, true).to_vector<float>(); });
  INFO(e);
  CHECK(e.find("vulkan: kernel attention_chunked needs a grid of 4 x 1 x 1 workgroups; ") == 0);
  CHECK(e.find('\n') == std::string::npos);
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan, small limits: a tensor past maxStorageBufferRange is refused in one line", "[vulkan][limits]") {
  CADENZA_REQUIRE_VULKAN();
  const LowerLimits range("maxStorageBufferRange=100000");
  // 70000 bytes: its power-of-two size class (128 KiB) would pass the range, so the buffer
  // is cut to the tensor's size; the kernels still bind it whole.
  Tensor x = uniform_input({17500}, DType::f32);
  CHECK(add(vk(x), vk(x)).to_vector<float>() == add(x, x).to_vector<float>());
  std::string e = error_of([&] { vk(Tensor::zeros({25001})); });
  INFO(e);
  CHECK(e.find("vulkan: a tensor of 100004 bytes is larger than the 100000 bytes a kernel can bind on ") == 0);
  CHECK(e.find("(maxStorageBufferRange)") != std::string::npos);
  CHECK(e.find('\n') == std::string::npos);
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}
