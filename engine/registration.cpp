#include "engine/registration.h"

#include "engine/error.h"

namespace cadenza {
namespace {

RegistrationErrors* open_scope = nullptr;

}  // namespace

RegistrationErrors::RegistrationErrors() {
  CADENZA_CHECK(open_scope == nullptr, "RegistrationErrors: a scope is already open");
  open_scope = this;
}

RegistrationErrors::~RegistrationErrors() { open_scope = nullptr; }

void registration_failed(const std::string& message) {
  if (!open_scope) throw Error(message);
  open_scope->errors_.push_back(message);
}

}  // namespace cadenza
