// deepbach from the command line, through cadenza_toy: train on a slice of the chorale
// corpus (models/deepbach/chorale_source.h), eval per voice, harmonize a soprano,
// infill a passage, and one-line errors for bad input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "models/data.h"
#include "models/registry.h"
#include "models/run_dir.h"
#include "models/train.h"
#include "music/score/midi_convert.h"
#include "run_cli.h"
#include "tests/models/cli_checks.h"

using cadenza::music::test::CliResult;
using cadenza::music::test::run_cadenza;
using cadenza::test::check_one_line_error;
namespace fs = std::filesystem;
namespace music = cadenza::music;

namespace {

struct TempDir : cadenza::test::TempDir {
  explicit TempDir(const std::string& name) : cadenza::test::TempDir("cadenza_cli_deepbach", name) {}
};

const fs::path kChorales = fs::path(CADENZA_SOURCE_DIR) / "data" / "Jsb16thSeparated.json";
const nlohmann::json kTinyModel = {
    {"window", 4}, {"note_embed", 6}, {"meta_embed", 3}, {"lstm_hidden", 16}, {"dense", 24}};

// Three training chorales and one each for valid and test, in the bundled file's format.
fs::path write_tiny_corpus(const fs::path& dir) {
  std::ifstream in(kChorales);
  const nlohmann::json all = nlohmann::json::parse(in);
  nlohmann::json tiny;
  for (const auto& [split, n] : std::map<std::string, size_t>{{"train", 3}, {"valid", 1}, {"test", 1}})
    tiny[split] = std::vector<nlohmann::json>(all[split].begin(), all[split].begin() + long(n));
  const fs::path path = dir / "tiny_chorales.json";
  std::ofstream(path) << tiny.dump();
  return path;
}

// A trained tiny deepbach run (shared by the tests) and its scratch directory.
const TempDir& deepbach_run() {
  static std::unique_ptr<TempDir> dir;
  if (!dir) {
    dir = std::make_unique<TempDir>("run");
    const fs::path corpus = write_tiny_corpus(dir->path);
    std::ofstream(dir->path / "tiny.json") << nlohmann::json{{"config", kTinyModel}, {"train", {{"valid_batches", 2}}}};
    const CliResult r = run_cadenza("train --model deepbach --preset small --out " + *dir / "run" + " --data '" +
                                    corpus.string() + "' --config " + *dir / "tiny.json" + " --steps 3 --batch 8");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.err.find("nats/voice-step") != std::string::npos);
  }
  return *dir;
}

// A two-bar soprano on the 16th grid: quarters and eighths inside the soprano's range.
music::Score soprano() {
  music::Score s;
  music::Track t;
  t.name = "Soprano";
  int64_t tick = 0;
  for (const auto& [pitch, len] : std::vector<std::pair<int, int64_t>>{
           {72, 480}, {74, 480}, {76, 240}, {77, 240}, {79, 480}, {77, 480}, {76, 480}, {74, 480}, {72, 960}}) {
    t.notes.push_back({tick, tick + len, uint8_t(pitch), 80});
    tick += len;
  }
  s.tracks.push_back(t);
  return s;
}

// (start, end, pitch) of a track's notes: what the grid keeps (velocity is not).
using NoteKey = std::tuple<int64_t, int64_t, int>;
std::vector<NoteKey> keys(const music::Track& t) {
  std::vector<NoteKey> out;
  for (const auto& n : t.notes) out.emplace_back(n.start, n.end, n.pitch);
  return out;
}

}  // namespace

TEST_CASE("deepbach data: chorale batches resume exactly at a data position", "[models][deepbach][cli]") {
  TempDir dir("data");
  auto model = cadenza::models::make_model("deepbach", "small", kTinyModel);
  cadenza::models::DataOptions o;
  o.path = write_tiny_corpus(dir.path);
  o.batch_size = 5;
  cadenza::models::Dataset straight(*model, o), resumed(*model, o);
  straight.next_train_batch();
  const cadenza::models::Batch second = straight.next_train_batch();
  resumed.seek(1);
  const cadenza::models::Batch again = resumed.next_train_batch();
  CHECK(resumed.position() == 2);
  CHECK(second.inputs.to_vector<int64_t>() == again.inputs.to_vector<int64_t>());
  CHECK(second.inputs.shape() == std::vector<int64_t>{5, 9, 4});
  CHECK(second.targets.to_vector<int64_t>() == again.targets.to_vector<int64_t>());
  int64_t windows = 0;
  straight.for_each_eval_batch(cadenza::models::DataSplit::valid,
                               [&](const cadenza::models::Batch& b) { windows += b.inputs.shape()[0]; });
  std::ifstream in(o.path);
  CHECK(windows == int64_t(nlohmann::json::parse(in)["valid"][0].size()));  // every step once
  o.max_transpose = 2;  // windows transposed within the ranges (test_deepbach.cpp checks how)
  CHECK_NOTHROW(cadenza::models::Dataset(*model, o));
}

TEST_CASE("deepbach: train, then eval reports nats per voice-step and per-voice NLL", "[models][deepbach][cli]") {
  const TempDir& run = deepbach_run();
  const CliResult r = run_cadenza("eval --checkpoint " + run / "run" + " --json --samples 0");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["unit"] == "nats/voice-step");
  CHECK(j["nll"].get<double>() > 0);
  for (const char* voice : {"soprano", "alto", "tenor", "bass"}) CHECK(j["voice_nll"][voice].get<double>() > 0);
  const CliResult text = run_cadenza("eval --checkpoint " + run / "run" + " --samples 0");
  REQUIRE(text.status == 0);
  CHECK(text.out.find("nats per voice-step") != std::string::npos);
}

TEST_CASE("deepbach: harmonize keeps the soprano, infill keeps everything outside the passage",
          "[models][deepbach][cli]") {
  const TempDir& run = deepbach_run();
  const music::Score melody = soprano();
  music::save_midi(melody, run.path / "soprano.mid");
  const CliResult h = run_cadenza("harmonize --checkpoint " + run / "run" + " --melody " + run / "soprano.mid" +
                                  " --out " + run / "satb.mid" + " --iterations 30 --seed 3");
  INFO(h.err);
  REQUIRE(h.status == 0);
  CHECK(fs::exists(run.path / "satb.png"));
  const music::Score satb = music::load_midi(run.path / "satb.mid", {.strict = true});
  REQUIRE(satb.tracks.size() == 4);
  CHECK(keys(satb.tracks[0]) == keys(melody.tracks[0]));
  size_t lower = 0;
  for (int v = 1; v < 4; ++v) lower += satb.tracks[size_t(v)].notes.size();
  CHECK(lower > 0);

  // Beats [1, 3) are ticks [480, 1440): notes ending before 480 or starting from 1440 stay;
  // one ending at 480 keeps its onset and pitch (the passage may tie into it).
  const CliResult i =
      run_cadenza("infill --checkpoint " + run / "run" + " --in " + run / "satb.mid" +
                  " --from-beat 1 --to-beat 3 --out " + run / "infilled.mid" + " --iterations 20 --seed 4");
  INFO(i.err);
  REQUIRE(i.status == 0);
  CHECK(fs::exists(run.path / "infilled.png"));
  const music::Score out = music::load_midi(run.path / "infilled.mid", {.strict = true});
  REQUIRE(out.tracks.size() == 4);
  for (size_t v = 0; v < 4; ++v) {
    const std::vector<NoteKey> after = keys(out.tracks[v]);
    for (const NoteKey& n : keys(satb.tracks[v]))
      if (std::get<1>(n) < 480 || std::get<0>(n) >= 1440) {
        INFO("voice " << v << " note at " << std::get<0>(n));
        CHECK(std::find(after.begin(), after.end(), n) != after.end());
      } else if (std::get<1>(n) == 480) {  // the passage may hold it on: same onset and pitch
        INFO("voice " << v << " note at " << std::get<0>(n));
        CHECK(std::any_of(after.begin(), after.end(), [&](const NoteKey& m) {
          return std::get<0>(m) == std::get<0>(n) && std::get<2>(m) == std::get<2>(n) && std::get<1>(m) >= 480;
        }));
      }
  }
}

TEST_CASE("harmonize and infill: one-line errors for bad input", "[models][deepbach][cli]") {
  const TempDir& run = deepbach_run();
  music::save_midi(soprano(), run.path / "melody.mid");
  music::Score empty;
  empty.tracks.emplace_back();
  music::save_midi(empty, run.path / "empty.mid");
  const std::string ckpt = " --checkpoint " + run / "run";
  const std::string harmonize = "harmonize" + ckpt + " --out " + run / "x.mid";
  const std::string infill = "infill" + ckpt + " --in " + run / "melody.mid" + " --out " + run / "x.mid";

  check_one_line_error(run_cadenza(harmonize + " --melody " + run / "empty.mid"), "has no notes");
  check_one_line_error(run_cadenza(harmonize + " --melody " + run / "melody.mid" + " --voices alto,baritone"),
                       "unknown voice 'baritone'");
  check_one_line_error(run_cadenza(infill + " --from-beat 3 --to-beat 3"), "--from-beat 3 must come before");
  check_one_line_error(run_cadenza(infill + " --from-beat 2 --to-beat 400"), "infill beats");

  TempDir toy("toy");
  REQUIRE(run_cadenza("train --model toy_roll --out " + toy / "run" + " --data '" +
                      (fs::path(CADENZA_SOURCE_DIR) / "data" / "jsb-chorales-quarter.json").string() +
                      "' --steps 1 --batch 2")
              .status == 0);
  check_one_line_error(run_cadenza("harmonize --checkpoint " + toy / "run" + " --melody " + run / "melody.mid" +
                                   " --out " + run / "x.mid"),
                       "needs a model that harmonizes");
}

TEST_CASE("deepbach: a run stopped and resumed at every step ends bit-identical to a straight run",
          "[models][deepbach]") {
  TempDir dir("resume");
  // Dropout on (between two LSTM layers), so the RNG state must resume too.
  nlohmann::json tiny = kTinyModel;
  tiny["dropout"] = 0.3;
  tiny["lstm_layers"] = 2;
  const cadenza::models::RunSpec spec = cadenza::models::make_run_spec(
      "deepbach", "small",
      {{"config", tiny},
       {"data", {{"path", write_tiny_corpus(dir.path).string()}, {"batch_size", 4}}},
       {"train", {{"steps", 4}, {"valid_every", 0}, {"valid_batches", 1}, {"log_every", 1}}}});
  using cadenza::models::TrainStatus;
  REQUIRE(cadenza::models::train(dir.path / "straight", spec, false, {nullptr, nullptr}).status ==
          TrainStatus::finished);
  const std::atomic<bool> stop{true};  // every call takes one step, saves and returns
  auto r = cadenza::models::train(dir.path / "stopped", spec, false, {&stop, nullptr});
  while (r.status == TrainStatus::interrupted)
    r = cadenza::models::train(dir.path / "stopped", cadenza::models::load_run_spec(dir.path / "stopped"), true,
                               {&stop, nullptr});
  REQUIRE(r.status == TrainStatus::finished);
  const auto a = cadenza::models::load_trained_model(dir.path / "straight");
  const auto b = cadenza::models::load_trained_model(dir.path / "stopped");
  CHECK(b.step == 4);
  for (const auto& [name, t] : a.model->state_dict()) {
    INFO(name);
    CHECK(t.to_vector<float>() == b.model->state_dict().at(name).to_vector<float>());
  }
}
