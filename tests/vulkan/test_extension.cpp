// Shaders and kernels from outside engine/ (engine/vulkan/extension.h): the example op of
// docs/CUSTOM_LAYERS.md brings its shader through cadenza_add_shaders, and the registry
// walk (test_registry.cpp) compares it like a built-in op; here, the layouts the op
// samples do not reach and the registration's failure modes.
#include "engine/kernel.h"
#include "engine/vulkan/extension.h"
#include "examples/custom/snake.h"
#include "ops/samples.h"
#include "ops/vulkan/kernels.h"
#include "vulkan_test_util.h"

using namespace cadenza;
using namespace cadenza::vktest;
using cadenza::testing::uniform_input;

TEST_CASE("vulkan: the example op's registered shader runs on strided and broadcast views", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  CHECK(vulkan::find_registered_shader("snake") != nullptr);
  CHECK(example::snake_kernel.has_vulkan());
  Tensor x = uniform_input({5, 7, 3}, DType::f32, -3, 3);
  Tensor xv = vk(x);
  for (auto view :
       {+[](const Tensor& t) { return transpose(t, 0, 2); }, +[](const Tensor& t) { return narrow(t, 1, 2, 4); },
        +[](const Tensor& t) {
          return expand(narrow(t, 0, 1, 1), {4, 7, 3});
        }}) {
    Tensor want = example::snake(view(x), 0.8);
    Tensor got = example::snake(view(xv), 0.8);
    // sin: libm against the device's; the f32 results agree to a few ulp.
    CHECK(scaled_error(got, want, 1e-6, 1e-5) <= 1);
  }
  // A non-dense output (the kernel called directly, as the op never does).
  Tensor out = vk(Tensor::zeros({3, 7, 5}));
  example::snake_kernel(Device::vulkan(), xv, transpose(out, 0, 2), 0.8);
  CHECK(scaled_error(out, transpose(example::snake(x, 0.8), 0, 2), 1e-6, 1e-5) <= 1);
  CHECK_THROWS_WITH(example::snake(vk(to_dtype(x, DType::i32)), 1.0),
                    Catch::Contains("snake: expected a floating tensor"));
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

namespace {
// Static, as a generated registration's words are.
const uint32_t kNotSpirv[] = {0xdeadbeef, 0, 0, 0, 0, 0};
const uint32_t kTwiceA[] = {0x07230203, 0x00010000, 0, 1, 0};
int hook_calls = 0;
}  // namespace

TEST_CASE("vulkan: a bad or twice-registered shader fails by name when used", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  vulkan::register_shader("test_not_spirv", kNotSpirv, 6);
  CHECK_THROWS_WITH(vulkan::pipeline("test_not_spirv"), Catch::Contains("'test_not_spirv' is not SPIR-V"));
  vulkan::register_shader("test_twice", kTwiceA, 5);
  vulkan::register_shader("test_twice", kTwiceA, 5);
  CHECK_THROWS_WITH(vulkan::pipeline("test_twice"), Catch::Contains("'test_twice' is defined more than once"));
  CHECK_THROWS_WITH(vulkan::pipeline("test_never_registered"),
                    Catch::Contains("no shader module 'test_never_registered'"));
  // A hook added after start-up runs at once.
  vulkan::on_start([] { ++hook_calls; });
  CHECK(hook_calls == 1);
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}
