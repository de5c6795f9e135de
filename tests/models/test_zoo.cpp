// The model zoo (models/zoo.h) and `cadenza export`, through cadenza_toy: an exported model
// samples exactly like its run, a zoo name is taken wherever a run directory is (a path on
// disk wins), broken zoos fail in one line, and every model the repository bundles is
// listed, carries its card and sample, and samples MIDI.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "music/score/midi_convert.h"
#include "run_cli.h"
#include "tests/models/cli_checks.h"
#include "tests/support/test_data.h"

using cadenza::music::test::CliResult;
using cadenza::music::test::run_cadenza;
using cadenza::music::test::run_command;
using cadenza::test::check_one_line_error;
using cadenza::test::read_bytes;
using cadenza::test::require_ok;
namespace fs = std::filesystem;

namespace {

struct TempDir : cadenza::test::TempDir {
  explicit TempDir(const std::string& name) : cadenza::test::TempDir("cadenza_zoo", name) {}
};

const std::string kBinary = std::string("'") + CADENZA_BINARY + "' ";

size_t notes_in(const fs::path& mid) {
  size_t n = 0;
  for (const auto& t : cadenza::music::load_midi(mid, {.strict = true}).tracks) n += t.notes.size();
  return n;
}

// A toy run of `model`, exported to DIR/zoo/NAME with a card: a zoo of one model.
void make_zoo(const TempDir& dir, const std::string& model, const std::string& name) {
  require_ok(run_cadenza("train --model " + model + " --out " + dir / "run" + " --data " + cadenza::test::kJsbArg +
                         " --steps 4 --batch 4"));
  fs::create_directories(dir.path / "zoo");
  cadenza::test::write_bytes(dir.path / "zoo" / "README.md", "a test zoo\n");
  require_ok(run_cadenza("export --checkpoint " + dir / "run" + " --out " + dir / ("zoo/" + name)));
  cadenza::test::write_bytes(dir.path / "zoo" / name / "card.json",
                             R"({"summary": "a toy", "corpus": "JSB Chorales", "license": "public domain"})");
}

}  // namespace

TEST_CASE("export writes config and weights alone, and the export samples exactly like its run", "[cli][zoo]") {
  TempDir dir("export");
  make_zoo(dir, "toy_roll", "toy");
  const fs::path exported = dir.path / "zoo" / "toy";
  // Weights only: smaller than the run's checkpoint, which holds Adam's two moments too.
  CHECK(fs::file_size(exported / "checkpoint.safetensors") <
        fs::file_size(dir.path / "run" / "checkpoint.safetensors"));
  // The bundled corpus is recorded as the family's default, so the export finds it anywhere.
  CHECK(nlohmann::json::parse(read_bytes(exported / "config.json"))["data"]["path"] == "");

  for (const std::string& from : {dir / "run", dir / "zoo/toy"})
    require_ok(run_cadenza("sample --checkpoint " + from + " --out " + dir / (from == dir / "run" ? "a.mid" : "b.mid") +
                           " --length 16 --seed 3 --png none"));
  CHECK(read_bytes(dir.path / "a.mid") == read_bytes(dir.path / "b.mid"));
  require_ok(run_cadenza("eval --checkpoint " + dir / "zoo/toy" + " --samples 0"));

  // A corpus that is not bundled is recorded by its name alone: no path of this machine.
  // Evaluated on that corpus wherever it lies now, the export keeps the run's grid (here a
  // quarter note, which the file name would not give) and so its likelihood.
  fs::copy_file(cadenza::test::kJsbPath, dir.path / "mine.json");
  cadenza::test::write_bytes(dir.path / "grid.json", R"({"data": {"steps_per_quarter": 1}})");
  require_ok(run_cadenza("train --model toy_tokens --out " + dir / "run2" + " --data " + dir / "mine.json" +
                         " --config " + dir / "grid.json" + " --steps 2 --batch 4"));
  require_ok(run_cadenza("export --checkpoint " + dir / "run2" + " --out " + dir / "zoo/mine"));
  CHECK(nlohmann::json::parse(read_bytes(dir.path / "zoo/mine/config.json"))["data"]["path"] == "mine.json");
  const auto nll = [&](const std::string& args) {
    const CliResult r = run_cadenza("eval " + args + " --split valid --samples 0 --json");
    require_ok(r);
    return nlohmann::json::parse(r.out)["nll"].get<double>();
  };
  CHECK(nll("--checkpoint " + dir / "zoo/mine" + " --data " + dir / "mine.json") ==
        nll("--checkpoint " + dir / "run2"));

  // Never over an existing model.
  check_one_line_error(run_cadenza("export --checkpoint " + dir / "run" + " --out " + dir / "zoo/toy"),
                       "already holds a model");
}

TEST_CASE("a zoo name is taken by sample, eval and --init-from, and a path on disk wins", "[cli][zoo]") {
  TempDir dir("names");
  make_zoo(dir, "toy_roll", "toy");
  const std::string env = "cd " + dir / "" + " && CADENZA_ZOO_DIR=" + dir / "zoo" + " " + kBinary;

  const CliResult list = run_command(env + "models");
  require_ok(list);
  CHECK(list.out.find("toy") != std::string::npos);
  CHECK(list.out.find("a toy (JSB Chorales)") != std::string::npos);
  const auto json = nlohmann::json::parse(run_command(env + "models --json").out);
  REQUIRE(json.size() == 1);
  CHECK(json[0]["family"] == "toy_roll");

  // Run from another folder, so "toy" is no path there.
  fs::create_directories(dir.path / "elsewhere");
  const std::string elsewhere = "cd " + dir / "elsewhere" + " && CADENZA_ZOO_DIR=" + dir / "zoo" + " " + kBinary;
  require_ok(run_command(elsewhere + "sample --model toy --out x.mid --length 12"));
  CHECK(notes_in(dir.path / "elsewhere" / "x.mid") > 0);
  require_ok(run_command(elsewhere + "eval --model toy --samples 0"));
  require_ok(run_command(elsewhere + "train --model toy_roll --init-from toy --steps 2 --batch 4 --out ft"));
  // A folder of that name in the working directory is what the user means.
  fs::create_directories(dir.path / "elsewhere" / "toy");
  check_one_line_error(run_command(elsewhere + "sample --model toy --out y.mid"), "no config.json");
  check_one_line_error(run_command(elsewhere + "sample --model nosuch --out y.mid"),
                       "nosuch: no such run directory, checkpoint file or zoo model");
}

TEST_CASE("a broken zoo fails in one line naming what is wrong", "[cli][zoo]") {
  TempDir dir("broken");
  make_zoo(dir, "toy_roll", "toy");
  fs::remove(dir.path / "zoo" / "toy" / "card.json");
  check_one_line_error(run_command("CADENZA_ZOO_DIR=" + dir / "zoo" + " " + kBinary + "models"), "card.json: missing");
  check_one_line_error(run_command("CADENZA_ZOO_DIR=" + dir / "none" + " " + kBinary + "models"),
                       "the model zoo is not there");
}

TEST_CASE("every bundled zoo model has its card and sample, and samples MIDI by name", "[cli][zoo]") {
  TempDir dir("bundled");
  const CliResult list = run_cadenza("models --json");
  require_ok(list);
  const auto zoo = nlohmann::json::parse(list.out);
  CHECK(zoo.size() >= 7);  // chorales (two), folk tunes (two), piano, multitrack (two)
  uintmax_t bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(CADENZA_SOURCE_DIR) / "zoo"))
    if (entry.is_regular_file()) bytes += entry.file_size();
  CHECK(bytes < 40'000'000);  // the zoo stays small enough to clone
  for (const auto& m : zoo) {
    const std::string name = m["name"];
    INFO(name);
    const fs::path folder = m["dir"].get<std::string>();
    for (const char* file : {"README.md", "sample.mid", "sample.png", "sample.wav"}) CHECK(fs::exists(folder / file));
    CHECK(notes_in(folder / "sample.mid") > 0);
    require_ok(run_cadenza("sample --model " + name + " --out " + dir / (name + ".mid") + " --length 16 --png none"));
    CHECK(notes_in(dir.path / (name + ".mid")) > 0);
  }
}
