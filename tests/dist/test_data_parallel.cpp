// `cadenza train` under mpirun (cadenza_toy: the real command line plus the toy models):
// N ranks with global batch B step like one process with batch B; a rank killed mid-run
// stops the job; --resume continues on another number of ranks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include "dist/communicator.h"
#include "engine/serialize/safetensors.h"
#include "run_cli.h"
#include "tests/models/cli_checks.h"
#include "tests/support/skip.h"

using cadenza::music::test::CliResult;
using cadenza::music::test::run_cadenza;
using cadenza::music::test::run_command;
using cadenza::test::require_ok;
using cadenza::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kBinary = std::string("'") + CADENZA_BINARY + "'";
const std::string& kJsb = cadenza::test::kJsbArg;

// Weights of two runs agree to this (absolute, after a few steps at lr 0.01 on toy_roll):
// the ranks sum their shares of the gradient in another order than one process, which
// changes float results in the last bits (measured differences ~1e-8).
constexpr double kTolerance = 1e-5;

// Skips the test (tests/support/skip.h) when it cannot run: a build without MPI, or no
// mpirun on PATH.
void require_mpi() {
  if (!cadenza::dist::mpi_available())
    cadenza::test::skip_test(
        "this build has no MPI (install libopenmpi-dev openmpi-bin, scripts/setup.sh, and re-run cmake)");
  if (std::system("command -v mpirun >/dev/null 2>&1") != 0)
    cadenza::test::skip_test("mpirun is not on PATH (install openmpi-bin)");
}

// Oversubscribed (more ranks than this machine's cores), as root if need be, and killed
// by `timeout` if it hangs, so a hang shows as status 124 instead of a stuck test. The
// limit sits far above a run's time on a loaded 2-core machine and below CTest's 600 s.
std::string mpirun(int ranks) {
  return "timeout 400 mpirun --allow-run-as-root --oversubscribe --bind-to none -np " + std::to_string(ranks) + " ";
}

// A constant learning rate: a run's steps then do not depend on its total step count.
// The default optimizer is Adam with norm clipping; "sgd" is plain SGD without clipping.
std::string write_run_config(const TempDir& dir, const std::string& optimizer = "adam") {
  const std::string clip = optimizer == "sgd" ? R"(, "optimizer": "sgd", "clip": 0)" : "";
  std::ofstream(dir.path / "run.json")
      << R"({"train": {"warmup": 0, "min_lr_ratio": 1, "valid_every": 0, "valid_batches": 2, "checkpoint_every": 2)"
      << clip << "}}";
  return dir / "run.json";
}

std::string train_args(const TempDir& dir, const std::string& run, int64_t steps, int seed = 3,
                       const std::string& lr = "0.01") {
  return " train --model toy_roll --data " + kJsb + " --batch 5 --lr " + lr + " --seed " + std::to_string(seed) +
         " --config " + dir / "run.json" + " --steps " + std::to_string(steps) + " --out " + dir / run;
}

cadenza::serialize::SafetensorsFile checkpoint(const TempDir& dir, const std::string& run) {
  return cadenza::serialize::load_safetensors(dir.path / run / "checkpoint.safetensors");
}

// Largest absolute difference between the model weights of two checkpoints.
double weight_difference(const cadenza::serialize::SafetensorsFile& a, const cadenza::serialize::SafetensorsFile& b) {
  double worst = 0;
  int64_t compared = 0;
  for (const auto& [name, t] : a.tensors) {
    if (name.rfind("model.", 0) != 0) continue;
    REQUIRE(b.tensors.count(name));
    const std::vector<float> x = t.to_vector<float>(), y = b.tensors.at(name).to_vector<float>();
    REQUIRE(x.size() == y.size());
    for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(double(x[i]) - double(y[i])));
    compared += static_cast<int64_t>(x.size());
  }
  CHECK(compared > 0);
  return worst;
}

// A script for mpirun: rank 1 gets `signal` once rank 0 has written a checkpoint of the
// run in DIR/run (meant to take far longer); then both go on training.
std::string signal_rank_1_script(const TempDir& dir, const std::string& signal) {
  const fs::path script = dir.path / ("signal_rank_1_" + signal + ".sh");
  std::ofstream(script) << "if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then\n"
                        << "  (while [ ! -e " << dir / "run/checkpoint.safetensors"
                        << " ]; do sleep 0.02; done; "
                        << "kill -" << signal << " $$) &\n"
                        << "fi\n"
                        << "exec " << kBinary << train_args(dir, "run", 1000000) << "\n";
  return "sh '" + script.string() + "'";
}

int64_t count_of(const std::string& text, const std::string& what) {
  int64_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("2 ranks with global batch B train the weights of 1 process with batch B", "[dist][mpi]") {
  require_mpi();
  TempDir dir("cadenza_dist", "equal");
  // Plain SGD without clipping: every step is lr times the gradient, so a gradient of the
  // wrong scale (the ranks' sum instead of their weighted mean) shows in the weights;
  // Adam and norm clipping would make up for it.
  write_run_config(dir, "sgd");
  // Batch 5 over 2 ranks: rows 0-1 and 2-4, with different numbers of counted frames.
  const CliResult one = run_cadenza(train_args(dir, "one", 6));
  require_ok(one);
  CHECK(one.err.find("data-parallel") == std::string::npos);
  const CliResult two = run_command(mpirun(2) + kBinary + train_args(dir, "two", 6));
  require_ok(two);
  // Rank 0 alone reports, and says how the batch is shared.
  CHECK(std::count(two.out.begin(), two.out.end(), '\n') == 1);
  CHECK(two.out.find("trained toy_roll to step 6") != std::string::npos);
  CHECK(count_of(two.err, "data-parallel over 2 ranks: global batch 5, 2-3 rows on each rank") == 1);

  const auto one_ckpt = checkpoint(dir, "one"), two_ckpt = checkpoint(dir, "two");
  CHECK(two_ckpt.metadata.at("step") == "6");
  CHECK(two_ckpt.metadata.at("data_position") == "6");
  const double diff = weight_difference(one_ckpt, two_ckpt);
  CAPTURE(diff);
  CHECK(diff <= kTolerance);
  // The comparison can fail: twice the learning rate (with SGD, the steps of a gradient
  // twice too large) and another seed land elsewhere.
  require_ok(run_cadenza(train_args(dir, "double", 6, 3, "0.02")));
  CHECK(weight_difference(one_ckpt, checkpoint(dir, "double")) > 100 * kTolerance);
  require_ok(run_cadenza(train_args(dir, "other", 6, 4)));
  CHECK(weight_difference(one_ckpt, checkpoint(dir, "other")) > 100 * kTolerance);
}

TEST_CASE("a killed rank ends the job, and --resume continues on 1 and then 3 ranks", "[dist][mpi]") {
  require_mpi();
  TempDir dir("cadenza_dist", "fault");
  write_run_config(dir);
  // Rank 1 is killed (SIGKILL, no chance to say goodbye); the launcher notices and ends
  // rank 0 too.
  const CliResult killed = run_command(mpirun(2) + signal_rank_1_script(dir, "KILL"));
  INFO("stdout: " << killed.out << "\nstderr: " << killed.err);
  CHECK(killed.status != 0);
  CHECK(killed.status != 124);  // it stopped by itself, not by the timeout
  CHECK((killed.err + killed.out).find("signal 9") != std::string::npos);

  const int64_t saved = std::stoll(checkpoint(dir, "run").metadata.at("step"));
  CHECK(saved >= 2);
  // Continue on one rank, then on three (batch 5: 1, 2 and 2 rows); the data position
  // in the checkpoint is the global batch number, so each continues where it stopped.
  const CliResult one = run_cadenza(" train --resume --out " + dir / "run" + " --steps " + std::to_string(saved + 2));
  require_ok(one);
  CHECK(checkpoint(dir, "run").metadata.at("data_position") == std::to_string(saved + 2));
  const CliResult three = run_command(mpirun(3) + kBinary + " train --resume --out " + dir / "run" + " --steps " +
                                      std::to_string(saved + 4));
  require_ok(three);
  CHECK(count_of(three.err, "resuming toy_roll at step " + std::to_string(saved + 2)) == 1);  // rank 0 logs
  CHECK(count_of(three.err, "data-parallel over 3 ranks: global batch 5, 1-2 rows on each rank") == 1);

  // Constant learning rate: a straight single-process run to the same step must agree.
  require_ok(run_cadenza(train_args(dir, "straight", saved + 4)));
  const double diff = weight_difference(checkpoint(dir, "run"), checkpoint(dir, "straight"));
  CAPTURE(diff);
  CHECK(diff <= kTolerance);
}

TEST_CASE("a rank that hangs ends the job after CADENZA_DIST_TIMEOUT with the reason", "[dist][mpi]") {
  require_mpi();
  TempDir dir("cadenza_dist", "hang");
  write_run_config(dir);
  // SIGSTOP: rank 1 stays alive but silent, which the launcher cannot see; rank 0's
  // collective gives up after 2 s and ends the job.
  const CliResult r = run_command(mpirun(2) + "-x CADENZA_DIST_TIMEOUT=2 " + signal_rank_1_script(dir, "STOP"));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.status != 0);
  CHECK(r.status != 124);
  CHECK(r.err.find("cadenza: error: rank 0 of 2: no answer from the other ranks for 2 s") != std::string::npos);
  CHECK(fs::exists(dir.path / "run" / "checkpoint.safetensors"));
}

TEST_CASE("a batch smaller than the ranks is refused, in one line from the rank that saw it", "[dist][mpi]") {
  require_mpi();
  TempDir dir("cadenza_dist", "small");
  const CliResult r = run_command(mpirun(2) + kBinary + " train --model toy_roll --data " + kJsb +
                                  " --batch 1 --steps 2 --out " + dir / "run");
  INFO("stderr: " << r.err);
  CHECK(r.status != 0);
  CHECK(r.status != 124);
  // Every rank finds the batch too small; the first to end the job (MPI_Abort) may kill the
  // other before it prints, so either rank's line will do.
  CHECK(
      std::regex_search(r.err, std::regex("cadenza: error: rank [01] of 2: batch size 1 is smaller than the 2 ranks")));
  CHECK_FALSE(fs::exists(dir.path / "run" / "checkpoint.safetensors"));
}
