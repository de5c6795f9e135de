// Shared by the command-line tests: a scratch directory and the one-line error check.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "run_cli.h"

namespace cadenza::test {

// A fresh directory under the system temp dir, removed at the end; `dir / "f"` is the
// quoted path of f for a command line.
struct TempDir {
  std::filesystem::path path;
  TempDir(const std::string& prefix, const std::string& name)
      : path(std::filesystem::temp_directory_path() / (prefix + "_" + std::to_string(::getpid()) + "_" + name)) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& f) const { return "'" + (path / f).string() + "'"; }
};

// The bundled JSB Chorales corpus, and the same path quoted for a command line.
inline const std::filesystem::path kJsbPath =
    std::filesystem::path(CADENZA_SOURCE_DIR) / "data" / "jsb-chorales-quarter.json";
inline const std::string kJsbArg = "'" + kJsbPath.string() + "'";

// Exit status 0; otherwise the test stops, showing both streams.
inline void require_ok(const music::test::CliResult& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.status == 0);
}

// Exit status 1 and exactly one stderr line "cadenza: error: ..." containing `contains`.
inline void check_one_line_error(const music::test::CliResult& r, const std::string& contains) {
  INFO("stderr: " << r.err);
  CHECK_FALSE(r.signaled);
  CHECK(r.status == 1);
  CHECK(r.err_lines() == 1);
  CHECK(r.err.rfind("cadenza: error: ", 0) == 0);
  CHECK(r.err.find(contains) != std::string::npos);
}

}  // namespace cadenza::test
