// `cadenza train / sample / eval / interpolate` for a trio music_vae (melody, bass, drums)
// at a tiny size on a few Freedoom files, end to end; one-line errors on bad input.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "music/repr/trio.h"
#include "music/score/midi_convert.h"
#include "run_cli.h"
#include "tests/models/cli_checks.h"
#include "tests/models/freedoom_data.h"
#include "tests/support/test_data.h"

using cadenza::music::test::CliResult;
using cadenza::music::test::run_cadenza;
using cadenza::test::check_one_line_error;
using cadenza::test::require_ok;
namespace fs = std::filesystem;

namespace {

struct TempDir : cadenza::test::TempDir {
  explicit TempDir(const std::string& name) : cadenza::test::TempDir("cadenza_cli_trio", name) {}
};

// A tiny hierdec_trio_small trained for two steps on three Freedoom files (two train, one
// valid); every case that needs it calls this, so each also runs alone.
const TempDir& trio_run() {
  static std::unique_ptr<TempDir> dir;
  if (!dir) {
    dir = std::make_unique<TempDir>("run");
    cadenza::models::testing::copy_freedoom_files(dir->path / "data", 2, cadenza::models::testing::kFreedoomTrioFiles);
    std::ofstream(dir->path / "tiny.json") << R"({"config": {"enc_hidden": 16, "z_size": 4, "dec_hidden": 16,
        "conductor_hidden": 8}, "train": {"valid_batches": 1}})";
    require_ok(run_cadenza("train --model music_vae --preset hierdec_trio_small --out " + *dir / "run" + " --data " +
                           *dir / "data" + " --steps 2 --batch 2 --config " + *dir / "tiny.json"));
  }
  return *dir;
}

}  // namespace

TEST_CASE("music_vae trio: train, 3-track sample, per-track eval, interpolate two trio MIDIs",
          "[cli][music_vae][trio]") {
  const TempDir& run = trio_run();
  const auto config = nlohmann::json::parse(std::ifstream(run.path / "run" / "config.json"));
  CHECK(config["config"]["tokenizer"] == "trio");
  CHECK(config["data"]["length"] == 256);

  require_ok(run_cadenza("sample --checkpoint " + run / "run" + " --out " + run / "s.mid" + " --seed 1"));
  CHECK(fs::exists(run.path / "s.png"));
  const auto score = cadenza::music::load_midi(run.path / "s.mid", {.strict = true});
  for (const auto& t : score.tracks) {
    INFO(t.name);
    if (t.name == "melody") CHECK(t.program == 0);
    if (t.name == "bass") CHECK(t.program == cadenza::music::repr::kTrioBassProgram);
    if (t.name == "drums") CHECK(t.is_drum);
  }

  const CliResult e = run_cadenza("eval --checkpoint " + run / "run" + " --json --samples 0");
  require_ok(e);
  const auto j = nlohmann::json::parse(e.out);
  CHECK(j["unit"] == "nats/trio-step");
  CHECK(j["kl"].get<double>() >= 0);
  for (const char* part : {"melody", "bass", "drums"}) {
    INFO(part);
    REQUIRE(j["parts"].contains(part));
    for (const char* acc : {"accuracy", "sampled_accuracy"}) {
      CHECK(j["parts"][part][acc].get<double>() >= 0);
      CHECK(j["parts"][part][acc].get<double>() <= 1);
    }
  }
  const CliResult text = run_cadenza("eval --checkpoint " + run / "run" + " --samples 0");
  require_ok(text);
  CHECK_THAT(text.out, Catch::Contains("nats per trio-step (the sum of the tracks' NLLs)") &&
                           Catch::Contains("drums") && Catch::Contains("reconstruction"));

  // Two real trio files: their first 16 bars each, three points between.
  const fs::path freedoom = cadenza::test::test_data("freedoom");
  require_ok(run_cadenza("interpolate --checkpoint " + run / "run" + " '" + (freedoom / "d_e1m1.mid").string() + "' '" +
                         (freedoom / "d_map07.mid").string() + "' --steps 3 --out " + run / "i.mid"));
  CHECK(fs::exists(run.path / "i.png"));
  const auto path = cadenza::music::load_midi(run.path / "i.mid");
  for (const auto& t : path.tracks)
    for (const auto& n : t.notes) CHECK(n.end <= 3 * 257 * path.ticks_per_quarter / 4);  // 3 segments + closing steps
}

TEST_CASE("music_vae trio: bad input, one line, exit 1", "[cli][music_vae][trio]") {
  TempDir dir("bad");
  fs::create_directories(dir.path / "no_trio");
  // d_dm11 has a piano but no bass and no drums.
  fs::copy_file(cadenza::test::test_data("freedoom") / "d_dm11.mid", dir.path / "no_trio" / "d_dm11.mid");
  const std::string train = "train --model music_vae --preset hierdec_trio_small --steps 1 --out ";
  check_one_line_error(run_cadenza(train + dir / "run" + " --data " + dir / "no_trio"), "no trio window");
  check_one_line_error(run_cadenza(train + dir / "run"), "needs --data FOLDER");
  check_one_line_error(run_cadenza(train + dir / "run" + " --data " + cadenza::test::kJsbArg),
                       "folder of multitrack MIDI");
  CHECK_FALSE(fs::exists(dir.path / "run" / "checkpoint.safetensors"));
  const TempDir& run = trio_run();
  check_one_line_error(run_cadenza("attributes --checkpoint " + run / "run"), "need a melody model");
}
