#pragma once
// The one registry of ops. Registering an op also registers sample inputs for it, so every
// op, built-in or added by a user, falls under the same standard checks: first- and
// second-order gradient checks in f64 against finite differences, and (on Vulkan) the
// device result against the CPU's. The checks live in tests/; this is what they walk.
#include <functional>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace cadenza {

struct OpSample {
  std::string label;           // e.g. "broadcast [3,1] x [4]"
  std::vector<Tensor> inputs;  // CPU tensors of the requested dtype (indices stay integer)
  std::function<std::vector<Tensor>(const std::vector<Tensor>&)> run;
  // Which inputs the gradient check differentiates (default: every floating input).
  std::vector<bool> differentiable = {};
  // The op is smooth to second order on this sample (false e.g. for relu's kink region).
  bool second_order = true;
  double eps = 1e-6;        // finite-difference step
  double tolerance = 1e-6;  // allowed |analytic - numeric| / max(1, |numeric|)
};

struct OpInfo {
  std::string name;
  bool differentiable = true;
  // Samples built on the CPU in the given floating dtype, from a fixed seed.
  std::function<std::vector<OpSample>(DType)> samples;
};

class OpRegistry {
 public:
  static void add(OpInfo info);
  static const std::vector<OpInfo>& all();
  static const OpInfo* find(const std::string& name);
};

// Registers at static-initialisation time: CADENZA_REGISTER_OP(info_expression);
struct OpRegistrar {
  explicit OpRegistrar(OpInfo info) { OpRegistry::add(std::move(info)); }
};
#define CADENZA_CONCAT_INNER(a, b) a##b
#define CADENZA_CONCAT(a, b) CADENZA_CONCAT_INNER(a, b)
#define CADENZA_REGISTER_OP(...) \
  static const ::cadenza::OpRegistrar CADENZA_CONCAT(cadenza_op_registrar_, __LINE__) { __VA_ARGS__ }

}  // namespace cadenza
