// The `cadenza` binary: exit status 0/1, one error line, never a signal, --json keys.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "corpus_manifest.h"
#include "run_cli.h"

using namespace cadenza::music;
using test::run_cadenza;

namespace {

std::string corpus_file(const std::string& name) {
  return "'" + (test::shared_data("midi_parser_corpus") / name).string() + "'";
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
  const auto r = run_cadenza("inspect --json '" + (test::shared_data("freedoom_music") / "d_e1m1.mid").string() + "'");
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["format"] == 1);
  CHECK(j["tracks"] == 17);
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
  for (const auto& row : test::read_manifest(test::shared_data("midi_parser_corpus") / "MANIFEST.tsv")) {
    INFO(row.file);
    const auto r = run_cadenza("inspect --json " + corpus_file(row.file));
    CHECK_FALSE(r.signaled);
    CHECK(r.status == (row.starts_mthd ? 0 : 1));
  }
}
