#include "tools/plugin.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/error.h"
#include "engine/registration.h"

namespace cadenza::tools {
namespace {

void load_plugin(const std::string& path) {
  // A clash (an op or family the program or an earlier plugin already has) is recorded
  // while the plugin's static objects run, instead of terminating the program.
  RegistrationErrors clashes;
  // RTLD_GLOBAL: a plugin's own symbols stay visible to plugins loaded after it. Never
  // closed: its registrations live in the program's registries until exit.
  if (!dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL)) {
    const char* why = dlerror();
    fail("--plugin: {}", why ? why : path + ": cannot load");
  }
  if (!clashes.errors().empty()) fail("--plugin {}: {}", path, fmt::join(clashes.errors(), "; "));
}

}  // namespace

void add_plugin_option(CLI::App& app) {
  // Option callbacks of the main program run before any subcommand's callback.
  app.add_option("--plugin", "Shared library to load first (a model family, ops); repeatable")
      ->type_name("FILE.so")
      ->each(load_plugin);
}

}  // namespace cadenza::tools
