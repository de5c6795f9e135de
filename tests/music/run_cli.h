// Runs the built `cadenza` binary and captures its exit status, stdout and stderr.
#pragma once

#include <string>

namespace cadenza::music::test {

struct CliResult {
  int status = -1;  // exit status; -1 if killed by a signal
  bool signaled = false;
  std::string out, err;
  int err_lines() const;  // newline-terminated lines on stderr
};

// `args` is appended to the binary path as is (quote paths yourself).
CliResult run_cadenza(const std::string& args);
// Any shell command line (e.g. the binary under mpirun), captured the same way.
CliResult run_command(const std::string& command);

}  // namespace cadenza::music::test
