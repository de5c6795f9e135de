#pragma once
// Helpers shared by the Vulkan tests: skipping without a device, moving tensors,
// and measuring how far a device result is from the CPU's.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>

#include "engine/vulkan/runtime.h"
#include "ops/ops.h"
#include "tests/support/skip.h"

// A test needing Vulkan is skipped (tests/support/skip.h) when there is no device.
#define CADENZA_REQUIRE_VULKAN()                                                                   \
  do {                                                                                             \
    if (!::cadenza::vulkan::available())                                                           \
      ::cadenza::test::skip_test(std::string("no Vulkan device: ") + ::cadenza::vulkan::reason()); \
  } while (0)

// Ends each Vulkan test: everything recorded has run, and the validation layer said nothing.
#define CADENZA_CHECK_NO_VALIDATION_MESSAGES()             \
  do {                                                     \
    ::cadenza::vulkan::synchronize();                      \
    CHECK(::cadenza::vulkan::validation_messages() == 0u); \
  } while (0)

namespace cadenza::vktest {

// The message of the cadenza::Error that fn throws ("" when it throws none).
inline std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// The Khronos validation layer is on in every Vulkan test process (before the runtime
// starts); CADENZA_VULKAN_VALIDATION=0 in the environment turns it off.
inline const bool kValidationRequested = [] { return setenv("CADENZA_VULKAN_VALIDATION", "1", 0) == 0; }();

inline Tensor vk(const Tensor& t) { return to(t, Device::vulkan()); }

// The largest |got - want| / (atol + rtol |want|) over all elements: <= 1 passes. NaNs
// must match; infinities must match exactly.
inline double scaled_error(const Tensor& got, const Tensor& want, double atol, double rtol) {
  REQUIRE(got.shape() == want.shape());
  std::vector<double> g = got.to_vector<double>(), w = want.to_vector<double>();
  double worst = 0;
  for (size_t i = 0; i < g.size(); ++i) {
    if (std::isnan(w[i]) || std::isnan(g[i])) {
      if (std::isnan(w[i]) != std::isnan(g[i])) return INFINITY;
      continue;
    }
    if (std::isinf(w[i]) || std::isinf(g[i])) {
      if (g[i] != w[i]) return INFINITY;
      continue;
    }
    worst = std::max(worst, std::abs(g[i] - w[i]) / (atol + rtol * std::abs(w[i])));
  }
  return worst;
}

// max |got - want| / max(1, |want|): absolute below 1, relative above.
inline double max_error(const Tensor& got, const Tensor& want) {
  std::vector<double> g = got.to_vector<double>(), w = want.to_vector<double>();
  double worst = 0;
  for (size_t i = 0; i < g.size(); ++i)
    if (std::isfinite(g[i]) && std::isfinite(w[i]))
      worst = std::max(worst, std::abs(g[i] - w[i]) / std::max(1.0, std::abs(w[i])));
  return worst;
}

// Largest absolute error seen per kernel in this run, printed by the last test.
inline std::map<std::string, double>& error_log() {
  static std::map<std::string, double> log;
  return log;
}
inline void log_error(const std::string& kernel, const Tensor& got, const Tensor& want) {
  double& e = error_log()[kernel];
  e = std::max(e, max_error(got, want));
}

}  // namespace cadenza::vktest
