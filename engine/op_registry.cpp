#include "engine/op_registry.h"

#include "engine/error.h"
#include "engine/registration.h"

namespace cadenza {
namespace {

std::vector<OpInfo>& registry() {
  static std::vector<OpInfo> ops;
  return ops;
}

}  // namespace

void OpRegistry::add(OpInfo info) {
  if (find(info.name) != nullptr) return registration_failed(fmt::format("op '{}' is registered twice", info.name));
  registry().push_back(std::move(info));
}

const std::vector<OpInfo>& OpRegistry::all() { return registry(); }

const OpInfo* OpRegistry::find(const std::string& name) {
  for (const auto& op : registry())
    if (op.name == name) return &op;
  return nullptr;
}

}  // namespace cadenza
