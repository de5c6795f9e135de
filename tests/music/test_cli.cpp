// The `cadenza` binary: exit status 0/1, one error line, never a signal, --json keys.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "corpus_manifest.h"
#include "music/midi/write_midi.h"
#include "music/render/wav.h"
#include "music/score/midi_convert.h"
#include "run_cli.h"
#include "score_builders.h"
#include "tests/support/skip.h"
#include "tests/support/test_data.h"
#include "wav_checks.h"

using namespace cadenza::music;
using test::run_cadenza;

namespace {

std::string corpus_file(const std::string& name) {
  return "'" + (cadenza::test::test_data("midi_parser_corpus") / name).string() + "'";
}

void check_one_line_error(const test::CliResult& r) {
  INFO("stderr: " << r.err);
  CHECK_FALSE(r.signaled);
  CHECK(r.status == 1);
  CHECK(r.err_lines() == 1);
  CHECK(r.err.rfind("cadenza: error: ", 0) == 0);
}

}  // namespace

TEST_CASE("inspect --json prints one object with the documented keys", "[cli]") {
  const auto r = run_cadenza("inspect --json '" + (cadenza::test::test_data("freedoom") / "d_e1m1.mid").string() + "'");
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["format"] == 1);
  CHECK(j["tracks"].size() == 17);
  CHECK(j["track_count"] == 17);
  CHECK(j["tracks"][2]["programs"] == nlohmann::json::array({30}));
  CHECK(j["tracks"][2]["notes"] == 718);
  CHECK(j["division"] == 96);
  CHECK(j["notes"] == 4792);
  CHECK(j["tempo_changes"].size() == 1);
  CHECK(j["tempo_changes"][0]["bpm"].get<double>() == Approx(165.0).epsilon(1e-3));
  CHECK(j["time_signatures"].size() == 1);
  CHECK(j["duration_seconds"].get<double>() > 100.0);
}

TEST_CASE("inspect: lenient by default, strict refuses with the byte offset", "[cli]") {
  const std::string broken = corpus_file("jazz-soft/test-corrupt-file-missing-byte.mid");
  const auto lenient = run_cadenza("inspect --json " + broken);
  CHECK(lenient.status == 0);
  CHECK(lenient.err.find("cadenza: warning:") != std::string::npos);
  CHECK(nlohmann::json::parse(lenient.out)["notes"] == 8);
  const auto strict = run_cadenza("inspect --strict " + broken);
  check_one_line_error(strict);
  CHECK(strict.err.find("track 1 length overruns file at byte 18") != std::string::npos);
}

TEST_CASE("bad input gets exit status 1 and one line", "[cli]") {
  check_one_line_error(run_cadenza("inspect /no/such/file.mid"));
  check_one_line_error(run_cadenza("inspect " + corpus_file("jazz-soft/test-not-a-midi-file.mid")));
  check_one_line_error(run_cadenza("inspect " + corpus_file("jazz-soft/test-empty-file.mid")));
  check_one_line_error(run_cadenza("inspect --no-such-option x.mid"));
  check_one_line_error(run_cadenza("no-such-command"));
  check_one_line_error(run_cadenza(""));
  check_one_line_error(run_cadenza("inspect /tmp"));
}

TEST_CASE("no corpus file makes inspect die by a signal", "[cli]") {
  for (const auto& row : test::read_manifest(cadenza::test::test_data("midi_parser_corpus") / "MANIFEST.tsv")) {
    INFO(row.file);
    const auto r = run_cadenza("inspect --json " + corpus_file(row.file));
    CHECK_FALSE(r.signaled);
    CHECK(r.status == (row.starts_mthd ? 0 : 1));
  }
}

namespace {

// Output files of the CLI tests, removed when the test process ends.
struct TempFiles {
  std::vector<std::filesystem::path> paths;
  ~TempFiles() {
    std::error_code ec;
    for (const auto& p : paths) std::filesystem::remove(p, ec);
  }
};

std::string tmp(const std::string& name) {
  static TempFiles files;
  files.paths.push_back(test::temp_path(name));
  return files.paths.back().string();
}

}  // namespace

TEST_CASE("convert: MIDI -> tokens -> MIDI, MIDI <-> JSON roll", "[cli]") {
  const std::string mid = "'" + (cadenza::test::test_data("freedoom") / "d_e1m1.mid").string() + "'";
  REQUIRE(run_cadenza("convert " + mid + " " + tmp("a.tok") + " --repr remi").status == 0);
  REQUIRE(run_cadenza("convert " + tmp("a.tok") + " " + tmp("a.mid")).status == 0);
  const auto j = nlohmann::json::parse(run_cadenza("inspect --json " + tmp("a.mid")).out);
  CHECK(j["notes"].get<int>() > 3000);  // drums are not in REMI
  const std::string jsb =
      "'" + (std::filesystem::path(CADENZA_SOURCE_DIR) / "data" / "jsb-chorales-quarter.json").string() + "'";
  REQUIRE(run_cadenza("convert " + jsb + " " + tmp("b.mid") + " --split test --piece 3 --steps-per-quarter 1").status ==
          0);
  REQUIRE(run_cadenza("convert " + tmp("b.mid") + " " + tmp("b.json") + " --steps-per-quarter 1 --split test").status ==
          0);
  REQUIRE(
      run_cadenza("convert " + jsb + " " + tmp("c.json") + " --split test --piece 3 --steps-per-quarter 1").status ==
      0);
  const auto b = nlohmann::json::parse(std::ifstream(tmp("b.json")));
  const auto c = nlohmann::json::parse(std::ifstream(tmp("c.json")));
  CHECK(b == c);
  check_one_line_error(run_cadenza("convert " + jsb + " " + tmp("d.mid") + " --split nope"));
  check_one_line_error(run_cadenza("convert " + mid + " " + tmp("d.xyz")));
  check_one_line_error(run_cadenza("convert " + mid + " " + tmp("d.tok") + " --repr abc"));
  check_one_line_error(run_cadenza("convert " + corpus_file("jazz-soft/test-illegal-message-f4.mid") + " " +
                                   tmp("d.mid") + " --strict"));
}

TEST_CASE("render writes PNG and WAV, or fails with one line", "[cli]") {
  // Two quarters at 120 BPM (1 s), then 1 s of tail in the WAV.
  const std::string mid = tmp("r.mid");
  std::ofstream(mid, std::ios::binary) << [] {
    const auto bytes = midi::write_midi(midi_from_score(test::one_track({{0, 480, 60, 100}, {480, 960, 64, 100}})));
    return std::string(bytes.begin(), bytes.end());
  }();
  CHECK(run_cadenza("render " + mid + " " + tmp("r.png")).status == 0);
  CHECK(std::filesystem::file_size(tmp("r.png")) > 100);
  check_one_line_error(run_cadenza("render " + mid + " " + tmp("r.wav") + " --soundfont /no/such.sf2"));
  check_one_line_error(run_cadenza("render " + mid + " " + tmp("r.mp3")));
  const auto wav = run_cadenza("render " + mid + " " + tmp("r.wav"));
#ifndef CADENZA_HAVE_FLUIDSYNTH
  check_one_line_error(wav);
  CHECK(wav.err.find("without FluidSynth") != std::string::npos);
  cadenza::test::skip_test("this build has no FluidSynth (install libfluidsynth-dev and re-run cmake)");
#endif
  if (render::find_soundfont().empty())
    cadenza::test::skip_test("no General MIDI SoundFont here (install fluid-soundfont-gm)");
  INFO("stderr: " << wav.err);
  REQUIRE(wav.status == 0);
  const test::WavFacts w = test::read_wav(tmp("r.wav"));
  CHECK(w.sample_rate == 44100);
  CHECK(w.frames == 2 * 44100);
  CHECK(w.peak(0, 44100) > 1000);
}

TEST_CASE("eval --metrics prints the table and writes JSON", "[cli]") {
  const std::string dir = (cadenza::test::test_data("midi_parser_corpus") / "tonejs-midi" / "debussy").string();
  const auto r = run_cadenza("eval --metrics '" + dir + "' --output " + tmp("m.json"));
  REQUIRE(r.status == 0);
  CHECK(r.out.find("pitch_class_entropy") != std::string::npos);
  const auto j = nlohmann::json::parse(std::ifstream(tmp("m.json")));
  CHECK(j["files"].size() == 9);
  CHECK(j["summary"]["scale_consistency"]["mean"].get<double>() > 0.5);
  check_one_line_error(run_cadenza("eval --metrics /no/such/dir"));
  check_one_line_error(run_cadenza("eval"));
}
