// engine/registration.h: outside a RegistrationErrors scope a failing registration throws
// (a clash among the program's own registrations is a bug); inside one it is recorded, so
// a plugin's static objects never terminate the program.
#include <catch2/catch.hpp>

#include "engine/error.h"
#include "engine/op_registry.h"
#include "engine/registration.h"

using namespace cadenza;

TEST_CASE("registration errors throw, or are recorded while a scope is open", "[registration]") {
  CHECK_THROWS_WITH(registration_failed("x is registered twice"), "x is registered twice");
  const size_t ops = OpRegistry::all().size();
  REQUIRE(ops > 0);
  const OpInfo& existing = OpRegistry::all().front();
  {
    RegistrationErrors scope;
    CHECK_THROWS_WITH(RegistrationErrors(), Catch::Contains("already open"));
    OpRegistry::add(OpInfo{existing.name, true, nullptr});  // a clash: recorded, skipped
    REQUIRE(scope.errors().size() == 1);
    CHECK(scope.errors()[0] == "op '" + existing.name + "' is registered twice");
  }
  CHECK(OpRegistry::all().size() == ops);
  CHECK_THROWS_WITH(OpRegistry::add(OpInfo{existing.name, true, nullptr}), Catch::Contains("registered twice"));
}
