// The steering commands end to end through cadenza_toy: sample's conditioning options
// (--note-density, --key, --pitch-histogram, --tempo) and music_vae's `attributes` and
// `transform`, with one-line errors for bad input.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "models/run_dir.h"
#include "models/train.h"
#include "models/vae/attribute_vectors.h"
#include "music/score/midi_convert.h"
#include "run_cli.h"
#include "tests/models/cli_checks.h"
#include "tools/sample_controls.h"

using cadenza::music::test::CliResult;
using cadenza::music::test::run_cadenza;
using cadenza::test::check_one_line_error;
using cadenza::test::TempDir;
namespace fs = std::filesystem;
using namespace cadenza;

namespace {

void write_melody(const fs::path& path) {
  music::Score s;
  music::Track t;
  for (int i = 0; i < 8; ++i) t.notes.push_back({i * 480, i * 480 + 480, uint8_t(60 + 2 * (i % 4)), 90});
  s.tracks.push_back(t);
  music::save_midi(s, path);
}

}  // namespace

TEST_CASE("key names give Magenta's pitch-class histograms", "[sample][controls]") {
  using H = std::array<double, 12>;
  CHECK(tools::key_pitch_histogram("C") == H{2, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1});
  CHECK(tools::key_pitch_histogram("A minor") == H{1, 0, 1, 0, 1, 1, 0, 1, 0, 2, 0, 1});
  CHECK(tools::key_pitch_histogram("Am") == tools::key_pitch_histogram("A minor"));
  // F# major: F# G# A# B C# D# E#(= F).
  CHECK(tools::key_pitch_histogram("F#") == H{0, 1, 0, 1, 0, 1, 2, 0, 1, 0, 1, 1});
  CHECK(tools::key_pitch_histogram("Gb major") == tools::key_pitch_histogram("F#"));
  CHECK(tools::key_pitch_histogram("Cb") == tools::key_pitch_histogram("B"));
  CHECK_THROWS_WITH(tools::key_pitch_histogram("H"), Catch::Contains("--key 'H'"));
  CHECK_THROWS_WITH(tools::key_pitch_histogram("Cmixolydian"), Catch::Contains("--key 'Cmixolydian'"));
}

TEST_CASE("sample --note-density --key --tempo on a conditioned performance_rnn", "[cli][controls]") {
  TempDir tmp("cadenza_cli_control", "perf");
  std::ofstream(tmp.path / "c.json") << R"({"config": {"hidden": 8, "note_density": true, "pitch_histogram": true},
      "data": {"length": 16}, "train": {"valid_every": 0, "valid_batches": 1}})";
  const CliResult t = run_cadenza("train --model performance_rnn --steps 1 --batch 2 --out " + (tmp / "run") +
                                  " --config " + (tmp / "c.json"));
  INFO(t.err);
  REQUIRE(t.status == 0);
  const std::string sample = "sample --checkpoint " + (tmp / "run") + " --length 40 --out ";
  const CliResult s = run_cadenza(sample + (tmp / "a.mid") + " --note-density 4 --key F#m --tempo 90");
  INFO(s.err);
  REQUIRE(s.status == 0);
  const music::Score a = music::load_midi(tmp.path / "a.mid");
  REQUIRE(a.tempos.size() == 1);
  CHECK(a.tempos[0].bpm() == Approx(90).epsilon(1e-4));
  CHECK(run_cadenza(sample + (tmp / "b.mid") + " --pitch-histogram 2,0,1,0,1,1,0,1,0,1,0,1").status == 0);

  check_one_line_error(run_cadenza(sample + (tmp / "x.mid") + " --key H"), "--key 'H'");
  check_one_line_error(run_cadenza(sample + (tmp / "x.mid") + " --pitch-histogram 1,2"), "needs 12 weights");
  check_one_line_error(run_cadenza(sample + (tmp / "x.mid") + " --pitch-histogram 1,2,x,0,0,0,0,0,0,0,0,0"),
                       "'x' is not a weight");
  check_one_line_error(run_cadenza(sample + (tmp / "x.mid") + " --key C --pitch-histogram 1,1,1,1,1,1,1,1,1,1,1,1"),
                       "give one");
  check_one_line_error(run_cadenza(sample + (tmp / "x.mid") + " --note-density -1"), "--note-density");
  check_one_line_error(run_cadenza(sample + (tmp / "x.mid") + " --tempo 0"), "--tempo must be between 4 and 1000");
  CHECK_FALSE(fs::exists(tmp.path / "x.mid"));
}

TEST_CASE("attributes and transform on a music_vae run, errors", "[cli][attributes]") {
  TempDir tmp("cadenza_cli_control", "vae");
  models::RunSpec spec;
  spec.model = "music_vae";
  spec.config = {{"enc_hidden", 16}, {"z_size", 4}, {"dec_hidden", 16}, {"dec_layers", 1}, {"bars", 2}};
  spec.data.path = fs::path(CADENZA_SOURCE_DIR) / "data" / "jsb-chorales-quarter.json";
  spec.data.batch_size = 4;
  spec.data.length = 32;
  spec.train.steps = 2;
  spec.train.valid_every = 0;
  spec.train.valid_batches = 1;
  REQUIRE(models::train(tmp.path / "run", spec, false, {nullptr, nullptr}).status == models::TrainStatus::finished);
  write_melody(tmp.path / "in.mid");

  const CliResult a = run_cadenza("attributes --checkpoint " + (tmp / "run") + " --max-segments 64 --measure 8");
  INFO(a.err);
  REQUIRE(a.status == 0);
  for (const char* name : {"note_density", "pitch_range"}) CHECK(a.out.find(name) != std::string::npos);
  // The quarter-note chorales have every onset on the beat: no syncopation to find.
  CHECK(a.err.find("syncopation does not vary") != std::string::npos);
  const models::AttributeVectors v = models::load_attribute_vectors(tmp.path / "run" / "attributes.safetensors");
  CHECK(v.size() == 2);
  CHECK(v.at("note_density").direction.numel() == 4);
  CHECK(std::isfinite(v.at("note_density").effect));

  const std::string transform = "transform --checkpoint " + (tmp / "run") + " --in " + (tmp / "in.mid");
  const CliResult t = run_cadenza(transform + " --attribute note_density --amount 1.5 --out " + (tmp / "o.mid"));
  INFO(t.err);
  REQUIRE(t.status == 0);
  CHECK(fs::exists(tmp.path / "o.png"));
  music::load_midi(tmp.path / "o.mid");  // valid MIDI

  // Without the file, the first transform computes it.
  fs::remove(tmp.path / "run" / "attributes.safetensors");
  const CliResult first = run_cadenza(transform + " --attribute pitch_range --amount -1 --out " + (tmp / "p.mid"));
  CHECK(first.status == 0);
  CHECK(first.err.find("first use") != std::string::npos);
  CHECK(fs::exists(tmp.path / "run" / "attributes.safetensors"));

  check_one_line_error(run_cadenza(transform + " --attribute loudness --amount 1 --out " + (tmp / "x.mid")),
                       "unknown attribute 'loudness' (known: note_density, pitch_range, syncopation)");
  check_one_line_error(run_cadenza(transform + " --attribute syncopation --amount 1 --out " + (tmp / "x.mid")),
                       "has no 'syncopation' vector");
  check_one_line_error(run_cadenza(transform + " --attribute pitch_range --amount 1 --out " + (tmp / "x.txt")),
                       "--out must name a .mid file");
  check_one_line_error(run_cadenza("transform --checkpoint " + (tmp / "run") + " --in " + (tmp / "none.mid") +
                                   " --attribute pitch_range --amount 1 --out " + (tmp / "x.mid")),
                       "no such file");
  check_one_line_error(run_cadenza("attributes --checkpoint " + (tmp / "nowhere")), "no such run directory");
}
