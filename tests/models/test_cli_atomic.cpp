// Nothing is lost: a command killed at any moment leaves the file it was replacing either
// as it was or complete, never torn (engine/serialize/atomic_file.h), and the side PNG of
// a MIDI output goes where --png says.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <vector>

#include "music/render/wav.h"
#include "music/score/midi_convert.h"
#include "run_cli.h"
#include "tests/models/cli_checks.h"
#include "tests/support/skip.h"
#include "tests/support/test_data.h"

using cadenza::music::test::CliResult;
using cadenza::music::test::run_cadenza;
using cadenza::music::test::run_command;
using cadenza::test::require_ok;
using cadenza::test::TempDir;
namespace fs = std::filesystem;

namespace {

void put(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

bool holds_either(const fs::path& target, const std::string& old_bytes, const std::string& new_bytes) {
  const std::string now = cadenza::test::read_bytes(target);
  return now == old_bytes || now == new_bytes;
}

// Spawns `args` and kills it (SIGKILL) the moment it holds a file open in `dir`, that is in
// the middle of writing an output. Returns false if it finished first.
bool kill_mid_write(const std::string& args, const std::string& dir) {
  const std::string command = fmt::format("exec '{}' {} >/dev/null 2>&1", CADENZA_BINARY, args);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
  const fs::path fds = "/proc/" + std::to_string(pid) + "/fd";
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    std::error_code ec;
    for (fs::directory_iterator it(fds, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code link_ec;
      if (fs::read_symlink(it->path(), link_ec).string().rfind(dir, 0) == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        return true;
      }
    }
  }
  return false;
}

struct Kills {
  int timed = 0;      // runs killed at a moment before they ended
  int mid_write = 0;  // runs killed while writing an output
};

// Runs `args` (which write the files `targets`, all in one folder) once to completion to
// learn their new bytes and how long a run takes. Then runs it again and again over the old
// bytes: killed with SIGKILL at moments spread from the start to past the end of a run, and
// killed the moment it opens a file in the targets' folder (the writes are a small part of
// a run, which timed kills alone may miss). After every kill each target must hold its old
// bytes or its new ones, never anything else.
Kills kill_at_every_moment(const std::vector<fs::path>& targets, const std::string& args) {
  std::vector<std::string> old_bytes, new_bytes;
  for (const fs::path& t : targets) old_bytes.push_back(cadenza::test::read_bytes(t));
  auto restore = [&] {
    for (size_t i = 0; i < targets.size(); ++i) put(targets[i], old_bytes[i]);
  };
  auto check = [&](const std::string& when) {
    for (size_t i = 0; i < targets.size(); ++i) {
      INFO(targets[i].filename().string() << " after a kill " << when);
      CHECK(holds_either(targets[i], old_bytes[i], new_bytes[i]));
    }
  };
  const auto start = std::chrono::steady_clock::now();
  require_ok(run_cadenza(args));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (size_t i = 0; i < targets.size(); ++i) {
    new_bytes.push_back(cadenza::test::read_bytes(targets[i]));
    REQUIRE(new_bytes[i] != old_bytes[i]);
  }
  Kills kills;
  constexpr int kMoments = 24, kMidWriteTries = 8;
  for (int k = 0; k < kMoments; ++k) {
    restore();
    const double at = seconds * 1.2 * (k + 0.5) / kMoments;
    const CliResult r = run_command(fmt::format("timeout -s KILL {:.4f} '{}' {}", at, CADENZA_BINARY, args));
    kills.timed += r.signaled;
    check(fmt::format("at {:.3f} s of a {:.3f} s run", at, seconds));
  }
  const std::string dir = targets.front().parent_path().string() + "/";
  for (int k = 0; k < kMidWriteTries && kills.mid_write < 3; ++k) {
    restore();
    kills.mid_write += kill_mid_write(args, dir);
    check("mid-write");
  }
  return kills;
}

// A short poly_rnn run to sample from (the real family, so that sampling takes a while).
const TempDir& poly_rnn_run() {
  static const TempDir dir = [] {
    TempDir d("cadenza_atomic", "poly_rnn");
    require_ok(run_cadenza("train --model poly_rnn --steps 2 --batch 2 --out " + d / "run" + " --data " +
                           cadenza::test::kJsbArg));
    return d;
  }();
  return dir;
}

}  // namespace

TEST_CASE("convert killed at any moment leaves the old file or the new one", "[cli][atomic]") {
  TempDir dir("cadenza_atomic", "convert");
  const fs::path big =
      cadenza::test::test_data("midi_parser_corpus") / "tonejs-midi/bartok/concerto_for_orchestra_1.mid";
  const fs::path small = cadenza::test::test_data("freedoom") / "dummy.mid";
  require_ok(run_cadenza("convert '" + small.string() + "' " + dir / "x.mid"));  // the old file
  const Kills kills = kill_at_every_moment({dir.path / "x.mid"}, "convert '" + big.string() + "' " + dir / "x.mid");
  CHECK(kills.timed > 0);
  CHECK(kills.mid_write > 0);
  // Converting a file onto itself reads it whole first: the result is the same notes.
  fs::copy_file(big, dir.path / "self.mid");
  require_ok(run_cadenza("convert " + dir / "self.mid" + " " + dir / "self.mid"));
  CHECK(cadenza::music::load_midi(dir.path / "self.mid").tracks.size() == cadenza::music::load_midi(big).tracks.size());
}

TEST_CASE("sample killed at any moment leaves the old MIDI and PNG or the new ones", "[cli][atomic]") {
  const TempDir& run = poly_rnn_run();
  TempDir dir("cadenza_atomic", "sample");
  const std::string args = "sample --checkpoint " + run / "run" + " --length 600 --out " + dir / "x.mid";
  require_ok(run_cadenza(args + " --seed 1"));  // an older sample in their place
  const Kills kills = kill_at_every_moment({dir.path / "x.mid", dir.path / "x.png"}, args);
  CHECK(kills.timed > 0);
  CHECK(kills.mid_write > 0);
}

TEST_CASE("sample --png names the piano-roll picture, or none, and each file written is printed", "[cli][atomic]") {
  const TempDir& run = poly_rnn_run();
  TempDir dir("cadenza_atomic", "png");
  const std::string base = "sample --checkpoint " + run / "run" + " --length 8 --out " + dir / "a.mid";
  const CliResult beside = run_cadenza(base);
  require_ok(beside);
  CHECK(fs::exists(dir.path / "a.png"));
  CHECK(beside.out.find((dir.path / "a.png").string()) != std::string::npos);
  fs::remove(dir.path / "a.png");
  const CliResult none = run_cadenza(base + " --png none");
  require_ok(none);
  CHECK_FALSE(fs::exists(dir.path / "a.png"));
  CHECK(none.out.find(".png") == std::string::npos);
  const CliResult named = run_cadenza(base + " --png " + dir / "pics/roll.png");
  require_ok(named);
  CHECK(fs::exists(dir.path / "pics" / "roll.png"));
  CHECK(named.out.find((dir.path / "pics" / "roll.png").string()) != std::string::npos);
  cadenza::test::check_one_line_error(run_cadenza(base + " --png " + dir / "roll.jpg"), "--png");
}

TEST_CASE("render to WAV killed at any moment leaves the old WAV or the new one", "[cli][atomic]") {
  if (!cadenza::music::render::wav_rendering_available())
    cadenza::test::skip_test("this build has no FluidSynth (install libfluidsynth-dev fluid-soundfont-gm)");
  TempDir dir("cadenza_atomic", "wav");
  const fs::path mid = cadenza::test::test_data("freedoom") / "d_intro.mid";
  put(dir.path / "x.wav", "RIFF-an-older-render");
  const Kills kills = kill_at_every_moment({dir.path / "x.wav"}, "render '" + mid.string() + "' " + dir / "x.wav");
  CHECK(kills.timed > 0);
  CHECK(kills.mid_write > 0);
}
