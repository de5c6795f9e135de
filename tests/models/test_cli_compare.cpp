// `cadenza compare`: generated sets against the bundled JSB chorales (the plain roll and
// the SATB-separated file), the shuffled baseline and the train split, and its one-line
// errors.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_checks.h"
#include "music/score/midi_convert.h"
#include "tools/piece_sets.h"

namespace fs = std::filesystem;
using cadenza::music::test::run_cadenza;
using cadenza::test::check_one_line_error;
using cadenza::test::kJsbArg;
using cadenza::test::kJsbPath;
using cadenza::test::require_ok;

namespace {

struct TempDir : cadenza::test::TempDir {
  explicit TempDir(const std::string& name) : cadenza::test::TempDir("cadenza_cli_compare", name) {}
};

const fs::path kSeparated = fs::path(CADENZA_SOURCE_DIR) / "data" / "Jsb16thSeparated.json";

// The first `n` pieces of a corpus split written as MIDI files into `dir`.
void write_pieces(const fs::path& corpus, const std::string& split, bool separated, size_t n, const fs::path& dir) {
  const auto set = cadenza::tools::read_piece_set(corpus, {split, 0, separated, ""});
  REQUIRE(set.pieces.size() >= n);
  for (size_t i = 0; i < n; ++i) cadenza::music::save_midi(set.pieces[i], dir / ("piece" + std::to_string(i) + ".mid"));
}

nlohmann::json run_json(const std::string& args) {
  const auto r = run_cadenza("compare " + args + " --json");
  require_ok(r);
  return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_CASE("compare: valid pieces against the JSB test split, with the baseline and the ceiling", "[cli][compare]") {
  TempDir gen("valid");
  write_pieces(kJsbPath, "valid", false, 8, gen.path);
  const auto j = run_json(gen / "" + " " + kJsbArg + " --train --out " + (gen / "c.json"));
  CHECK(j["reference"].get<std::string>().find("test split: 77 pieces") != std::string::npos);
  CHECK(j["features"]["musegan"] == false);  // one track
  CHECK(j["features"]["voice_leading"] == false);
  for (const char* key : {"generated", "shuffled", "train"}) {
    INFO(key);
    const auto& c = j["comparisons"][key];
    CHECK(c["features"].size() == 11);  // MusPy's 10 and the note-length histogram
    CHECK(c["mean_oa"].get<double>() > 0.0);
    CHECK(c["mean_oa"].get<double>() <= 1.0);
  }
  CHECK(j["comparisons"]["generated"]["pieces"] == 8);
  CHECK(j["comparisons"]["shuffled"]["pieces"] == 77);
  CHECK(j["comparisons"]["train"]["pieces"] == 229);
  // Bach against Bach: the train split sits closer to the test split than its shuffled
  // copy does, on the mean over features.
  CHECK(j["comparisons"]["train"]["mean_oa"].get<double>() > j["comparisons"]["shuffled"]["mean_oa"].get<double>());
  // --out holds the same JSON.
  CHECK(nlohmann::json::parse(std::ifstream(gen.path / "c.json")) == j);
  // The table: one row per feature and set.
  const auto table = run_cadenza("compare " + (gen / "") + " " + kJsbArg + " --baseline none");
  require_ok(table);
  CHECK(table.out.find("note_length_hist[") != std::string::npos);
  CHECK(table.out.find("scale_consistency") != std::string::npos);
  CHECK(table.out.find("shuffled") == std::string::npos);
}

TEST_CASE("compare: SATB chorales get voice leading, Bach's far cleaner than shuffled", "[cli][compare]") {
  TempDir gen("satb");
  write_pieces(kSeparated, "valid", true, 6, gen.path);
  const std::string reference = "'" + kSeparated.string() + "' --separated";
  const auto j = run_json(gen / "" + " " + reference + " --seed 3");
  CHECK(j["features"]["voice_leading"] == true);
  CHECK(j["features"]["musegan"] == false);                       // four piano tracks: one MuseGAN track
  CHECK(j["comparisons"]["generated"]["features"].size() == 14);  // and 3 voice-leading rates
  const auto& v = j["voice_leading"];
  for (const char* key : {"reference", "generated", "shuffled"}) CHECK(v[key]["pairs"].size() == 6);
  const auto rate = [&](const char* set, const char* what) { return v[set]["all_pairs"][what].get<double>(); };
  CHECK(rate("reference", "parallel_fifths_per_beat") < rate("shuffled", "parallel_fifths_per_beat") / 3);
  CHECK(rate("reference", "parallel_octaves_per_beat") < rate("shuffled", "parallel_octaves_per_beat") / 3);
  CHECK(rate("reference", "crossings_per_beat") < rate("shuffled", "crossings_per_beat") / 3);
  const auto table = run_cadenza("compare " + (gen / "") + " " + reference);
  require_ok(table);
  CHECK(table.out.find("parallel fifths") != std::string::npos);
  CHECK(table.out.find("S-A") != std::string::npos);
}

TEST_CASE("compare --as melody measures the top line of every piece, generated and reference", "[cli][compare]") {
  TempDir gen("as_melody");
  write_pieces(kJsbPath, "valid", false, 4, gen.path);
  const auto chords = run_json(gen / "" + " " + kJsbArg + " --baseline none");
  const auto melody = run_json(gen / "" + " " + kJsbArg + " --baseline none --as melody");
  CHECK(melody["reference"].get<std::string>().find("as melody") != std::string::npos);
  // Mean pitches sounding at once, in the generated set and in the reference.
  const auto polyphony = [](const nlohmann::json& j, const char* set) {
    for (const auto& f : j["comparisons"]["generated"]["features"])
      if (f["name"] == "polyphony") return f[set]["mean"].get<double>();
    FAIL("no polyphony feature");
    return 0.0;
  };
  for (const char* set : {"set", "reference"}) {
    INFO(set);
    CHECK(polyphony(chords, set) > 3.5);           // four-part chords
    CHECK(polyphony(melody, set) == Approx(1.0));  // one line
  }
  check_one_line_error(run_cadenza("compare " + gen / "" + " " + kJsbArg + " --as nosuch"),
                       "unknown representation 'nosuch'");
}

TEST_CASE("compare --model reads a roll corpus on the grid the model was trained on", "[cli][compare]") {
  TempDir dir("model_grid");
  fs::create_directories(dir.path / "gen");
  write_pieces(kJsbPath, "valid", false, 4, dir.path / "gen");
  // A run directory whose model was trained on the corpus read at two steps a quarter
  // note (the file name says one).
  const fs::path run = dir.path / "run";
  fs::create_directories(run);
  const fs::path zoo = fs::path(CADENZA_SOURCE_DIR) / "zoo" / "bach_chorales";
  nlohmann::json config = nlohmann::json::parse(std::ifstream(zoo / "config.json"));
  config["data"]["steps_per_quarter"] = 2;
  std::ofstream(run / "config.json") << config.dump();
  fs::copy_file(zoo / "checkpoint.safetensors", run / "checkpoint.safetensors");

  const std::string base = (dir / "gen") + " " + kJsbArg + " --split valid --baseline none";
  const auto by_model = run_json(base + " --model " + run.string());
  const auto by_grid = run_json(base + " --steps-per-quarter 2");
  const auto by_name = run_json(base);
  CHECK(by_model["comparisons"] == by_grid["comparisons"]);
  // Read twice as fast, the pieces' note lengths no longer match the generated ones.
  CHECK(by_model["comparisons"] != by_name["comparisons"]);
  check_one_line_error(run_cadenza("compare " + base + " --model " + run.string() + " --steps-per-quarter 2"),
                       "excludes");
  check_one_line_error(run_cadenza("compare " + base + " --model " + (dir / "nothing")), "nothing");
}

TEST_CASE("compare: bad input is one line", "[cli][compare]") {
  TempDir dir("errors");
  fs::create_directories(dir.path / "empty");
  check_one_line_error(run_cadenza("compare " + (dir / "empty") + " " + kJsbArg), "no .mid files");
  fs::create_directories(dir.path / "gen");
  write_pieces(kJsbPath, "test", false, 2, dir.path / "gen");
  std::ofstream(dir.path / "gen" / "broken.mid") << "not a MIDI file";
  check_one_line_error(run_cadenza("compare " + (dir / "gen") + " " + kJsbArg),
                       "1 of 3 MIDI files unreadable: broken.mid");
  fs::remove(dir.path / "gen" / "broken.mid");
  check_one_line_error(run_cadenza("compare " + (dir / "gen") + " /no/such/corpus.json"), "no such folder or file");
  check_one_line_error(run_cadenza("compare " + (dir / "gen") + " " + kJsbArg + " --baseline random"), "random");
  check_one_line_error(run_cadenza("compare " + (dir / "gen") + " " + (dir / "gen") + " --train"),
                       "--train needs a split");
  check_one_line_error(run_cadenza("compare " + (dir / "gen") + " " + kJsbArg + " --split train --train"),
                       "--train compares");
  fs::create_directories(dir.path / "one");
  write_pieces(kJsbPath, "test", false, 1, dir.path / "one");
  check_one_line_error(run_cadenza("compare " + (dir / "gen") + " " + (dir / "one")), "2 or more pieces");
  check_one_line_error(run_cadenza("compare " + (dir / "gen") + " " + (dir / "gen") + " --separated"),
                       "--separated reads a JSON corpus");
  check_one_line_error(run_cadenza("compare " + (dir / "gen")), "reference");
  check_one_line_error(run_cadenza("compare " + kJsbArg + " " + kJsbArg), "GENERATED must be a folder");
}

TEST_CASE("compare --excerpt-beats cuts every set into excerpts of one length", "[cli][compare]") {
  TempDir dir("excerpts");
  fs::create_directories(dir.path / "gen");
  write_pieces(kJsbPath, "valid", false, 4, dir.path / "gen");
  const std::string base = (dir / "gen") + " " + kJsbArg + " --train";
  const auto whole = run_json(base);
  const auto cut = run_json(base + " --excerpt-beats 16");
  // 77 test chorales of 32 to 160 quarter notes make far more 16-beat excerpts.
  CHECK(cut["comparisons"]["shuffled"]["pieces"].get<int>() > 2 * 77);
  CHECK(cut["comparisons"]["train"]["pieces"].get<int>() > 2 * 229);
  CHECK(cut["comparisons"]["generated"]["pieces"].get<int>() > 4);
  CHECK(cut["reference"].get<std::string>().find("excerpts of 16 beats") != std::string::npos);
  // A length-bound feature: excerpts use fewer pitches than whole chorales.
  auto reference_mean = [](const nlohmann::json& j, const std::string& feature) {
    for (const auto& f : j["comparisons"]["generated"]["features"])
      if (f["name"] == feature) return f["reference"]["mean"].get<double>();
    FAIL("no feature " << feature);
    return 0.0;
  };
  CHECK(reference_mean(cut, "n_pitches_used") < reference_mean(whole, "n_pitches_used") - 2);
  check_one_line_error(run_cadenza("compare " + base + " --excerpt-beats 1000"), "no piece lasts half of 1000 beats");
  check_one_line_error(run_cadenza("compare " + base + " --excerpt-beats 0.0001"), "shorter than one tick");
}
