#pragma once
// `cadenza --plugin FILE.so ...`: loads a shared library before the subcommand runs. Its
// static registrations (model families, ops, kernels, shaders) join the program's, so a
// run trained with a family the program was not built with can be sampled, evaluated or
// resumed. examples/custom/CMakeLists.txt builds one (cadenza_example_plugin).
#include <CLI/CLI.hpp>

namespace cadenza::tools {

void add_plugin_option(CLI::App& app);

}  // namespace cadenza::tools
