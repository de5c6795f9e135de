// `cadenza train / sample / eval / interpolate` for music_vae and musegan, the real
// families at tiny sizes (--config), end to end: outputs, eval reports, one-line errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "music/score/midi_convert.h"
#include "run_cli.h"
#include "tests/models/cli_checks.h"
#include "tests/models/freedoom_data.h"

using cadenza::music::test::CliResult;
using cadenza::music::test::run_cadenza;
using cadenza::test::check_one_line_error;
using cadenza::test::require_ok;
namespace fs = std::filesystem;

namespace {

using cadenza::test::kJsbArg;

struct TempDir : cadenza::test::TempDir {
  explicit TempDir(const std::string& name) : cadenza::test::TempDir("cadenza_cli_vae_gan", name) {}
};

// A tiny music_vae trained for a few steps on the bundled chorales' top voice, and two
// melodies sampled from it (a.mid, b.mid) for interpolation. Every test case that needs
// them calls this, so each case also runs alone (ctest starts one process per case).
const TempDir& vae_run() {
  static std::unique_ptr<TempDir> dir;
  if (!dir) {
    dir = std::make_unique<TempDir>("vae");
    std::ofstream(dir->path / "tiny.json")
        << R"({"config": {"enc_hidden": 16, "z_size": 4, "dec_hidden": 16, "dec_layers": 1}, "train": {"valid_batches": 1}})";
    require_ok(run_cadenza("train --model music_vae --out " + *dir / "run" + " --data " + kJsbArg +
                           " --steps 3 --batch 4 --config " + *dir / "tiny.json"));
    require_ok(
        run_cadenza("sample --checkpoint " + *dir / "run" + " --out " + *dir / "a.mid" + " --length 32 --seed 1"));
    require_ok(
        run_cadenza("sample --checkpoint " + *dir / "run" + " --out " + *dir / "b.mid" + " --length 32 --seed 2"));
  }
  return *dir;
}

const TempDir& gan_run() {
  static std::unique_ptr<TempDir> dir;
  if (!dir) {
    dir = std::make_unique<TempDir>("gan");
    cadenza::models::testing::copy_freedoom_files(dir->path / "data", 2);
    std::ofstream(dir->path / "tiny.json") << R"({"config": {"z_dim": 4, "g_channels": 8, "d_channels": 4,
        "temporal_hidden": 8, "critic_steps": 2}, "train": {"valid_batches": 1}})";
    require_ok(run_cadenza("train --model musegan --out " + *dir / "run" + " --data " + *dir / "data" +
                           " --steps 2 --batch 2 --config " + *dir / "tiny.json"));
  }
  return *dir;
}

}  // namespace

TEST_CASE("music_vae: train, sample, eval with KL and reconstruction accuracy, interpolate", "[cli][music_vae]") {
  const TempDir& run = vae_run();
  for (const char* f : {"checkpoint.safetensors", "config.json", "metrics.csv", "loss.png"})
    CHECK(fs::exists(run.path / "run" / f));
  const auto config = nlohmann::json::parse(std::ifstream(run.path / "run" / "config.json"));
  CHECK(config["data"]["length"] == 32);  // the preset's segment: 2 bars of 16 steps
  CHECK(config["train"]["clip"] == 1.0);

  CHECK(fs::exists(run.path / "a.png"));  // sample writes a PNG beside the MIDI

  const CliResult e = run_cadenza("eval --checkpoint " + run / "run" + " --json --samples 0");
  require_ok(e);
  const auto j = nlohmann::json::parse(e.out);
  CHECK(j["kl"].get<double>() >= 0);
  CHECK(j["kl_unit"] == "nats/sequence");
  CHECK(j["sequences"].get<double>() > 0);
  for (const char* acc : {"accuracy", "sampled_accuracy"}) {
    INFO(acc);
    CHECK(j[acc].get<double>() >= 0);
    CHECK(j[acc].get<double>() <= 1);
  }
  const CliResult text = run_cadenza("eval --checkpoint " + run / "run" + " --samples 0");
  require_ok(text);
  CHECK_THAT(text.out, Catch::Contains("KL") && Catch::Contains("reconstruction accuracy"));

  const CliResult i = run_cadenza("interpolate --checkpoint " + run / "run" + " " + run / "a.mid" + " " +
                                  run / "b.mid" + " --steps 4 --out " + run / "path/i.mid" + " --temperature 0");
  require_ok(i);
  CHECK(fs::exists(run.path / "path" / "i.png"));
  const auto score = cadenza::music::load_midi(run.path / "path" / "i.mid", {.strict = true});
  REQUIRE(score.tracks.size() == 1);
  // Four 32-step (2-bar) segments of 16th notes one after another, each closed by a
  // note-off step: at most 4 · 33 sixteenths.
  CHECK(score.tracks[0].notes.back().end <= 33 * score.ticks_per_quarter);
}

TEST_CASE("interpolate: bad input, one line, exit 1", "[cli][music_vae]") {
  const TempDir& run = vae_run();
  const std::string ab = " " + run / "a.mid" + " " + run / "b.mid";
  const std::string ckpt = " --checkpoint " + run / "run";
  check_one_line_error(run_cadenza("interpolate" + ckpt + ab + " --steps 1 --out " + run / "x.mid"),
                       "--steps must be at least 2");
  check_one_line_error(run_cadenza("interpolate" + ckpt + ab + " --out " + run / "x.wav"), "must name a .mid file");
  check_one_line_error(
      run_cadenza("interpolate" + ckpt + " /no/such.mid" + " " + run / "b.mid" + " --out " + run / "x.mid"),
      "no such file");
  check_one_line_error(run_cadenza("interpolate" + ckpt + ab + " --temperature -1 --out " + run / "x.mid"),
                       "--temperature");
  const TempDir& gan = gan_run();
  check_one_line_error(run_cadenza("interpolate --checkpoint " + gan / "run" + ab + " --out " + run / "x.mid"),
                       "needs a model with a latent space");
  CHECK_FALSE(fs::exists(run.path / "x.mid"));
}

TEST_CASE("musegan: train (critic steps), resume, multitrack sample, metric table", "[cli][musegan]") {
  const TempDir& run = gan_run();
  CHECK(fs::exists(run.path / "run" / "loss.png"));
  require_ok(run_cadenza("train --out " + run / "run" + " --resume --steps 3"));

  require_ok(run_cadenza("sample --checkpoint " + run / "run" + " --out " + run / "s.mid"));
  CHECK(fs::exists(run.path / "s.png"));
  const auto score = cadenza::music::load_midi(run.path / "s.mid");
  // Tracks with notes keep their GM identity (untrained bars are dense, so all have some).
  for (const auto& t : score.tracks) {
    INFO(t.name);
    if (t.name == "Drums") CHECK(t.is_drum);
    if (t.name == "Bass") CHECK((t.program >= 32 && t.program <= 39));
  }

  const CliResult e = run_cadenza("eval --checkpoint " + run / "run" + " --samples 4");
  require_ok(e);
  CHECK_THAT(e.out, Catch::Contains("EB  empty bars") && Catch::Contains("DP  drum pattern") &&
                        Catch::Contains("TD  tonal distance") && Catch::Contains("generated") &&
                        Catch::Contains("4 generated phrases vs 4 train phrases"));
  const CliResult j = run_cadenza("eval --checkpoint " + run / "run" + " --samples 2 --split valid --json");
  require_ok(j);
  const auto out = nlohmann::json::parse(j.out);
  CHECK(out["split"] == "valid");
  CHECK(out["real"]["tracks"]["Piano"]["empty_bars"].get<double>() >= 0);
  CHECK(out["generated"]["tonal_distance"].size() == 6);
}

TEST_CASE("musegan: bad input, one line, exit 1", "[cli][musegan]") {
  TempDir dir("gan_bad");
  check_one_line_error(run_cadenza("train --model musegan --steps 1 --out " + dir / "run"),
                       "musegan needs --data FOLDER");
  check_one_line_error(run_cadenza("train --model musegan --steps 1 --data " + kJsbArg + " --out " + dir / "run"),
                       "folder of multitrack MIDI");
  CHECK_FALSE(fs::exists(dir.path / "run" / "checkpoint.safetensors"));
  const TempDir& run = gan_run();
  check_one_line_error(run_cadenza("eval --checkpoint " + run / "run" + " --split nope"), "unknown split 'nope'");
  check_one_line_error(run_cadenza("eval --checkpoint " + run / "run" + " --samples 0"), "--samples must be positive");
}
