#include "run_cli.h"

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/support/test_data.h"

namespace cadenza::music::test {
int CliResult::err_lines() const { return static_cast<int>(std::count(err.begin(), err.end(), '\n')); }

CliResult run_cadenza(const std::string& args) { return run_command(std::string("'") + CADENZA_BINARY + "' " + args); }

CliResult run_command(const std::string& command) {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("cadenza_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  const std::string cmd =
      "{ " + command + "; } >'" + (dir / "out").string() + "' 2>'" + (dir / "err").string() + "' </dev/null";
  const int raw = std::system(cmd.c_str());
  CliResult r;
  // The shell reports a child killed by signal N as exit status 128 + N.
  if (WIFEXITED(raw)) r.status = WEXITSTATUS(raw);
  r.signaled = WIFSIGNALED(raw) || r.status > 128;
  r.out = cadenza::test::read_bytes(dir / "out");
  r.err = cadenza::test::read_bytes(dir / "err");
  std::filesystem::remove_all(dir);
  return r;
}

}  // namespace cadenza::music::test
