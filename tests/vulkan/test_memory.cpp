// Running out of device memory is a clear cadenza::Error, not a crash, and the runtime keeps
// working afterwards. A budget (vulkan::set_memory_limit, what CADENZA_VULKAN_MEMORY_LIMIT
// sets) makes the pool fail exactly as it does on VK_ERROR_OUT_OF_DEVICE_MEMORY, without
// having to exhaust the machine's memory (lavapipe's "device memory" is host RAM).
#include <algorithm>
#include <vector>

#include "engine/vulkan/buffer_pool.h"
#include "vulkan_test_util.h"

using namespace cadenza;
using namespace cadenza::vktest;

TEST_CASE("vulkan: allocating past the memory budget throws a clear error and the device keeps working", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  Tensor a = Tensor::ones({4096, 8}, DType::f32, Device::vulkan());
  vulkan::synchronize();
  const uint64_t budget = vulkan::memory_in_use() + (64u << 20);
  vulkan::set_memory_limit(budget);
  std::vector<Tensor> held;
  std::string error;
  try {
    for (int i = 0; i < 100; ++i) held.push_back(Tensor::zeros({2 << 20}, DType::f32, Device::vulkan()));  // 8 MiB
  } catch (const Error& e) {
    error = e.what();
  }
  INFO(error);
  CHECK(error.find("vulkan: out of device memory allocating 8388608 bytes") == 0);
  CHECK(error.find(", limit ") != std::string::npos);
  CHECK(error.find("CADENZA_VULKAN_MEMORY_LIMIT") != std::string::npos);
  CHECK(error.find('\n') == std::string::npos);
  CHECK(held.size() >= 1);
  CHECK(held.size() * (8u << 20) <= budget);  // more than 8 when the pool had cached buffers to give back
  CHECK(vulkan::memory_in_use() <= budget);

  // An op whose output (64 MiB) does not fit fails the same way, before recording anything.
  CHECK_THROWS_WITH(matmul(a, a, false, true), Catch::Contains("out of device memory"));

  // Freed tensors make room again; without a budget everything works as before.
  held.clear();
  vulkan::synchronize();
  Tensor x = Tensor::full({3, 4}, 2.0, DType::f32, Device::vulkan());
  CHECK(sum(mul(x, x)).item<float>() == 48.0f);
  vulkan::set_memory_limit(0);
  std::vector<float> product = matmul(a, a, false, true).to_vector<float>();
  CHECK(std::count(product.begin(), product.end(), 8.0f) == 4096 * 4096);
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: CADENZA_VULKAN_MEMORY_LIMIT sizes", "[vulkan]") {
  using vulkan::parse_memory_size;
  CHECK(parse_memory_size("4096", "X") == 4096u);
  CHECK(parse_memory_size("3K", "X") == 3u << 10);
  CHECK(parse_memory_size("512M", "X") == 512u << 20);
  CHECK(parse_memory_size("2g", "X") == 2ull << 30);
  for (const char* bad : {"", "abc", "12Q", "-5", "1MB", "99999999999999999999G"})
    CHECK_THROWS_WITH(parse_memory_size(bad, "CADENZA_VULKAN_MEMORY_LIMIT"),
                      Catch::StartsWith(std::string("CADENZA_VULKAN_MEMORY_LIMIT=") + bad + ": expected a size"));
}
