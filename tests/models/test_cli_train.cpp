// `cadenza train / sample / eval --checkpoint` end to end, through cadenza_toy (the real
// command line plus the toy families): outputs, Ctrl-C, and one-line errors for bad input.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "music/score/midi_convert.h"
#include "run_cli.h"
#include "tests/models/cli_checks.h"
#include "tests/support/test_data.h"

using cadenza::music::test::CliResult;
using cadenza::music::test::run_cadenza;
using cadenza::music::test::run_command;
using cadenza::test::check_one_line_error;
using cadenza::test::require_ok;
namespace fs = std::filesystem;

namespace {

struct TempDir : cadenza::test::TempDir {
  explicit TempDir(const std::string& name) : cadenza::test::TempDir("cadenza_cli_train", name) {}
};

const std::string& kJsb = cadenza::test::kJsbArg;

// A finished toy run to sample from and evaluate.
const TempDir& trained_run(const std::string& model) {
  static std::map<std::string, std::unique_ptr<TempDir>> runs;
  auto& dir = runs[model];
  if (!dir) {
    dir = std::make_unique<TempDir>("run_" + model);
    const CliResult r = run_cadenza("train --model " + model + " --out " + *dir / "run" + " --data " + kJsb +
                                    " --steps 6 --batch 4 --lr 0.01");
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  return *dir;
}

}  // namespace

TEST_CASE("train writes checkpoint, config, metrics and plot, sample writes MIDI and PNGs", "[cli]") {
  const TempDir& run = trained_run("toy_roll");
  for (const char* f : {"checkpoint.safetensors", "config.json", "metrics.csv", "loss.png"})
    CHECK(fs::exists(run.path / "run" / f));

  const CliResult one =
      run_cadenza("sample --checkpoint " + run / "run" + " --out " + run / "one.mid" + " --length 12");
  INFO(one.err);
  REQUIRE(one.status == 0);
  CHECK(fs::exists(run.path / "one.png"));
  CHECK_NOTHROW(cadenza::music::load_midi(run.path / "one.mid", {.strict = true}));

  const CliResult three = run_cadenza("sample --checkpoint " + run / "run" + " --out " + run / "s.mid" +
                                      " --num-outputs 3 --length 8 --temperature 0.7 --seed 5");
  REQUIRE(three.status == 0);
  for (int i = 1; i <= 3; ++i) {
    CHECK_NOTHROW(cadenza::music::load_midi(run.path / ("s-" + std::to_string(i) + ".mid"), {.strict = true}));
    CHECK(fs::exists(run.path / ("s-" + std::to_string(i) + ".png")));
  }
  CHECK_FALSE(fs::exists(run.path / "s.mid"));
}

TEST_CASE("sample: every option gives valid MIDI from a token model, primer included", "[cli]") {
  const TempDir& run = trained_run("toy_tokens");
  for (const std::string& opts :
       std::vector<std::string>{"--top-k 3", "--top-p 0.9", "--temperature 1.5 --top-k 5 --top-p 0.5", "--beam 2",
                                "--primer " + run / "one.mid"}) {
    if (opts.starts_with("--primer")) {  // a primer from an earlier sample
      REQUIRE(run_cadenza("sample --checkpoint " + run / "run" + " --out " + run / "one.mid" + " --length 16").status ==
              0);
    }
    const CliResult r =
        run_cadenza("sample --checkpoint " + run / "run" + " --out " + run / "x.mid" + " --length 16 " + opts);
    INFO(opts << ": " << r.err);
    REQUIRE(r.status == 0);
    CHECK_NOTHROW(cadenza::music::load_midi(run.path / "x.mid", {.strict = true}));
  }
}

TEST_CASE("eval --checkpoint prints NLL, accuracy and sample metrics", "[cli]") {
  const TempDir& run = trained_run("toy_roll");
  const CliResult r = run_cadenza("eval --checkpoint " + run / "run" + " --split test --json --samples 2");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["model"] == "toy_roll");
  CHECK(j["step"] == 6);
  CHECK(j["unit"] == "nats/frame");
  CHECK(j["nll"].get<double>() > 0);
  CHECK(j["accuracy"].get<double>() >= 0);
  CHECK(j["samples"]["count"].get<int>() <= 2);
  const CliResult text = run_cadenza("eval --checkpoint " + run / "run" + " --samples 0");
  REQUIRE(text.status == 0);
  CHECK(text.out.find("NLL") != std::string::npos);
}

TEST_CASE("Ctrl-C finishes the step, saves a checkpoint and exits 0", "[cli]") {
  TempDir dir("sigint");
  const std::string cmd = std::string("exec '") + CADENZA_BINARY + "' train --model toy_roll --out " + dir / "run" +
                          " --data " + kJsb + " --steps 100000000 --batch 2 2>" + dir / "err";
  const char* argv[] = {"sh", "-c", cmd.c_str(), nullptr};
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
  // Wait for the first metrics row: training is under way.
  const fs::path metrics = dir.path / "run" / "metrics.csv";
  for (int i = 0; i < 600; ++i) {
    std::ifstream in(metrics);
    std::string header, row;
    if (std::getline(in, header) && std::getline(in, row)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(kill(pid, SIGINT) == 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(fs::exists(dir.path / "run" / "checkpoint.safetensors"));
  std::ifstream err(dir.path / "err");
  const std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  CHECK(text.find("interrupted") != std::string::npos);
  // And it resumes.
  const CliResult r = run_cadenza("train --out " + dir / "run" + " --resume --steps 1");
  CHECK(r.status == 0);
}

TEST_CASE("train --resume takes the starting command again, and refuses a flag that would change the run", "[cli]") {
  TempDir dir("resume_flags");
  { std::ofstream(dir.path / "patch.json") << R"({"train": {"warmup": 2}})"; }
  const std::string start =
      "train --model toy_roll --out " + dir / "run" + " --data " + kJsb + " --batch 2 --config " + dir / "patch.json";
  require_ok(run_cadenza(start + " --lr 0.01 --steps 2"));
  // The same command, more steps (a script rerun until the run is done).
  require_ok(run_cadenza(start + " --lr 0.01 --steps 3 --resume"));
  check_one_line_error(run_cadenza(start + " --lr 0.02 --steps 4 --resume"),
                       "only --steps and --device may change, not train.lr (the run's: 0.01, given: 0.02)");
  { std::ofstream(dir.path / "patch.json") << R"({"train": {"warmup": 5}})"; }
  check_one_line_error(run_cadenza(start + " --steps 4 --resume"), "not train.warmup");
  check_one_line_error(run_cadenza("train --out " + dir / "run" + " --resume --steps 4 --data " + dir / "other.json"),
                       "not data.path");
}

TEST_CASE("bad input: one line, exit 1", "[cli]") {
  TempDir dir("bad");
  const std::string out = " --out " + dir / "run";
  check_one_line_error(run_cadenza("train --model nope" + out), "unknown model 'nope' (known: ");
  check_one_line_error(run_cadenza("train" + out), "train needs --model");
  check_one_line_error(run_cadenza("train --model toy_roll --data /no/such.json" + out), "no such corpus");
  check_one_line_error(run_cadenza("train --model toy_roll --preset huge" + out), "unknown preset 'huge'");
  check_one_line_error(run_cadenza("train --model toy_roll --steps 0" + out), "--steps must be positive");
  check_one_line_error(run_cadenza("train --model toy_roll --lr -1" + out), "--lr must be positive");
  check_one_line_error(run_cadenza("train --model toy_roll --batch 0" + out), "--batch must be positive");
  check_one_line_error(run_cadenza("train --model toy_roll --steps many" + out), "--steps");
  check_one_line_error(run_cadenza("train --model toy_roll --config /no/such.json" + out), "missing");
  { std::ofstream(dir.path / "bad.json") << "{not json"; }
  check_one_line_error(run_cadenza("train --model toy_roll --config " + dir / "bad.json" + out), "not a JSON object");
  { std::ofstream(dir.path / "typo.json") << R"({"train": {"stesp": 3}})"; }
  check_one_line_error(run_cadenza("train --model toy_roll --config " + dir / "typo.json" + out),
                       "unknown training option 'stesp'");
  check_one_line_error(run_cadenza("train --model toy_roll --resume" + out), "no such run directory");

  const TempDir& run = trained_run("toy_roll");
  const std::string ckpt = " --checkpoint " + run / "run";
  check_one_line_error(run_cadenza("train --model toy_tokens --resume --out " + run / "run"),
                       "holds a run of model 'toy_roll'");
  check_one_line_error(run_cadenza("train --model toy_roll --out " + run / "run"), "already holds a checkpoint");
  check_one_line_error(run_cadenza("sample --checkpoint " + dir / "nothing" + " --out " + dir / "x.mid"),
                       "no such run directory");
  check_one_line_error(run_cadenza("sample" + ckpt + " --out " + dir / "x.mid" + " --temperature 0"),
                       "--temperature must be positive");
  check_one_line_error(run_cadenza("sample" + ckpt + " --out " + dir / "x.mid" + " --top-p 1.5"),
                       "--top-p must be in (0, 1]");
  check_one_line_error(run_cadenza("sample" + ckpt + " --out " + dir / "x.mid" + " --top-p 0"),
                       "--top-p must be in (0, 1]");
  check_one_line_error(run_cadenza("sample" + ckpt + " --out " + dir / "x.mid" + " --num-outputs 0"),
                       "--num-outputs must be positive");
  check_one_line_error(run_cadenza("sample" + ckpt + " --out " + dir / "x.wav"), "must name a .mid file");
  check_one_line_error(run_cadenza("sample" + ckpt + " --out " + dir / "x.mid" + " --primer /no/such.mid"),
                       "no such file");
  check_one_line_error(run_cadenza("eval" + ckpt + " --split nope"), "unknown split 'nope'");
  check_one_line_error(run_cadenza("eval" + ckpt + " --data /no/such.json"), "no such corpus");

  // A run directory whose checkpoint was removed, or whose config names another model.
  fs::create_directories(dir.path / "half");
  fs::copy_file(run.path / "run" / "config.json", dir.path / "half" / "config.json");
  check_one_line_error(run_cadenza("eval --checkpoint " + dir / "half"), "no checkpoint.safetensors");
  auto config = nlohmann::json::parse(std::ifstream(run.path / "run" / "config.json"));
  config["model"] = "toy_tokens";
  std::ofstream(dir.path / "half" / "config.json") << config.dump();
  fs::copy_file(run.path / "run" / "checkpoint.safetensors", dir.path / "half" / "checkpoint.safetensors");
  check_one_line_error(run_cadenza("sample --checkpoint " + dir / "half" + " --out " + dir / "x.mid"),
                       "checkpoint.safetensors");
}

TEST_CASE("train --patience stops early and names the best checkpoint, which sample and eval read", "[cli]") {
  TempDir dir("patience");
  const std::string cfg = (dir.path / "c.json").string();
  std::ofstream(cfg) << R"({"train": {"valid_every": 1, "valid_batches": 2}})";
  const CliResult r = run_cadenza("train --model toy_roll --out " + dir / "run" + " --data " + kJsb +
                                  " --steps 60 --batch 4 --lr 0.5 --patience 3 --config '" + cfg + "'");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("stopped toy_roll early at step") != std::string::npos);
  CHECK(r.out.find("best validation NLL") != std::string::npos);
  CHECK(r.out.find("best.safetensors") != std::string::npos);
  const CliResult s =
      run_cadenza("sample --checkpoint " + dir / "run/best.safetensors" + " --out " + dir / "b.mid" + " --length 8");
  INFO(s.err);
  CHECK(s.status == 0);
  const CliResult e = run_cadenza("eval --checkpoint " + dir / "run/best.safetensors" + " --samples 0 --json");
  INFO(e.err);
  REQUIRE(e.status == 0);
  // eval reads the best step's weights, not the last checkpoint's.
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex("best validation NLL [0-9.]+ at step ([0-9]+)")));
  const auto best = nlohmann::json::parse(e.out);
  CHECK(best["step"].get<int64_t>() == std::stoll(m[1].str()));
  const CliResult last = run_cadenza("eval --checkpoint " + dir / "run" + " --samples 0 --json");
  REQUIRE(last.status == 0);
  CHECK(nlohmann::json::parse(last.out)["step"].get<int64_t>() == std::stoll(m[1].str()) + 3);
  check_one_line_error(
      run_cadenza("train --model toy_roll --out " + dir / "neg" + " --data " + kJsb + " --patience -1"),
      "--patience must be 0 (off) or positive");
  check_one_line_error(
      run_cadenza("sample --checkpoint " + dir / "run/missing.safetensors" + " --out " + dir / "m.mid"),
      "missing.safetensors");
}

TEST_CASE("the bundled corpus is found from any working directory, or from CADENZA_DATA_DIR", "[cli][data]") {
  TempDir dir("anywhere");
  const std::string bin = std::string("'") + CADENZA_BINARY + "'";
  // From / : no data/ folder around, and the binary's folder plays no part.
  const CliResult from_root =
      run_command("cd / && " + bin + " train --model poly_rnn --steps 2 --batch 2 --out " + dir / "root");
  INFO(from_root.err);
  REQUIRE(from_root.status == 0);
  const auto config = nlohmann::json::parse(std::ifstream(dir.path / "root" / "config.json"));
  CHECK(fs::path(config["data"]["path"].get<std::string>()) ==
        fs::path(CADENZA_SOURCE_DIR) / "data" / "jsb-chorales-quarter.json");
  // A data/ folder of the user's own in the working directory is not taken for it.
  fs::create_directories(dir.path / "data");
  { std::ofstream(dir.path / "data" / "jsb-chorales-quarter.json") << "{not the corpus"; }
  require_ok(run_command("cd " + dir / "" + " && " + bin + " train --model poly_rnn --steps 1 --batch 2 --out " +
                         dir / "cwd"));
  // CADENZA_DATA_DIR overrides, and must hold the corpus.
  fs::create_directories(dir.path / "copy");
  fs::copy_file(cadenza::test::kJsbPath, dir.path / "copy" / "jsb-chorales-quarter.json");
  require_ok(run_command("CADENZA_DATA_DIR=" + dir / "copy" + " " + bin +
                         " train --model poly_rnn --steps 1 --batch 2 --out " + dir / "env"));
  const auto env_config = nlohmann::json::parse(std::ifstream(dir.path / "env" / "config.json"));
  CHECK(fs::path(env_config["data"]["path"].get<std::string>()) == dir.path / "copy" / "jsb-chorales-quarter.json");
  check_one_line_error(
      run_command("CADENZA_DATA_DIR=/no/such " + bin + " train --model poly_rnn --steps 1 --out " + dir / "bad"),
      "CADENZA_DATA_DIR=/no/such");
}

TEST_CASE("unreadable corpus files are named and counted, --strict-data refuses them", "[cli][data]") {
  TempDir dir("skipped");
  fs::create_directories(dir.path / "midi");
  for (const char* f : {"d_e1m1.mid", "d_e1m4.mid", "d_map07.mid", "d_e4m3.mid", "d_dm10.mid", "d_dm16.mid"})
    fs::copy_file(cadenza::test::test_data("freedoom") / f, dir.path / "midi" / f);
  // Files that are not MIDI at all, in every split (file names decide the split).
  for (int i = 0; i < 8; ++i) std::ofstream(dir.path / "midi" / fmt::format("broken{}.mid", i)) << "not a midi file";
  const std::string train = "train --model toy_roll --steps 2 --batch 2 --data " + dir / "midi";
  const CliResult lenient = run_cadenza(train + " --out " + dir / "lenient");
  INFO(lenient.err);
  REQUIRE(lenient.status == 0);
  CHECK(lenient.err.find("cadenza: warning: data: skipped") != std::string::npos);
  CHECK(lenient.err.find("broken") != std::string::npos);
  CHECK(lenient.err.find("no MThd") != std::string::npos);        // the reason
  CHECK(lenient.err.find("files skipped") != std::string::npos);  // the total at the end
  check_one_line_error(run_cadenza(train + " --strict-data --out " + dir / "strict"), "--strict-data");
}

TEST_CASE("poly_rnn trained on a corpus read on an eighth-note grid samples on that grid", "[cli]") {
  TempDir dir("grid");
  std::ofstream(dir.path / "eighths.json") << R"({"data": {"steps_per_quarter": 2}})";
  require_ok(run_cadenza("train --model poly_rnn --steps 2 --batch 2 --out " + dir / "run" + " --data " + kJsb +
                         " --config " + dir / "eighths.json"));
  const auto config = nlohmann::json::parse(std::ifstream(dir.path / "run" / "config.json"));
  CHECK(config["data"]["steps_per_quarter"] == 2);
  CHECK(config["config"]["steps_per_quarter"] == 2);
  // 32 frames of eighth notes: 16 quarter notes at most.
  require_ok(run_cadenza("sample --model " + dir / "run" + " --out " + dir / "s.mid" + " --length 32 --png none"));
  const cadenza::music::Score s = cadenza::music::load_midi(dir.path / "s.mid");
  CHECK(s.end_tick() > 0);
  CHECK(s.end_tick() <= 16 * s.ticks_per_quarter);
}
