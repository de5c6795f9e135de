#pragma once
// Registrations (ops, model families) run during static initialisation, where an exception
// ends the program (std::terminate). For the program's own registrations that is right: a
// clash is a bug. A plugin loaded at run time (tools/plugin.h) registers while a
// RegistrationErrors scope is open: a failing registration is then recorded and skipped,
// and the loader reports it as one error line.
#include <string>
#include <vector>

namespace cadenza {

class RegistrationErrors {
 public:
  RegistrationErrors();  // one scope at a time
  ~RegistrationErrors();
  RegistrationErrors(const RegistrationErrors&) = delete;
  RegistrationErrors& operator=(const RegistrationErrors&) = delete;
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  friend void registration_failed(const std::string& message);
  std::vector<std::string> errors_;
};

// Throws cadenza::Error(message), or records it in the open RegistrationErrors scope.
void registration_failed(const std::string& message);

}  // namespace cadenza
