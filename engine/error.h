#pragma once
// One exception type for every user-facing failure, with an fmt-formatted message.
#include <fmt/format.h>
#include <stdexcept>
#include <string>

namespace cadenza {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
  throw Error(fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace cadenza

// CADENZA_CHECK(cond, "op_name: {} vs {}", a, b): throws cadenza::Error when cond is false.
#define CADENZA_CHECK(cond, ...)               \
  do {                                         \
    if (!(cond)) ::cadenza::fail(__VA_ARGS__); \
  } while (0)
