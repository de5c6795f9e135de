#pragma once
// Where a tensor's storage lives. Moving data between devices is always explicit.
#include <fmt/format.h>
#include <string>

namespace cadenza {

struct Device {
  enum class Kind : uint8_t { cpu, vulkan };
  Kind kind = Kind::cpu;
  int index = 0;

  static Device cpu() { return {Kind::cpu, 0}; }
  static Device vulkan(int index = 0) { return {Kind::vulkan, index}; }
  bool is_cpu() const { return kind == Kind::cpu; }
  bool operator==(const Device&) const = default;
  std::string str() const { return kind == Kind::cpu ? "cpu" : fmt::format("vulkan:{}", index); }
};

}  // namespace cadenza
