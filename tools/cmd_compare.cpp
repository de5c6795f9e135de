// cadenza compare GENERATED REFERENCE: a folder of generated MIDI files measured against
// held-out pieces, feature by feature, as MGEval's overlap area and KL divergence
// (music/metrics/set_compare.h), beside two yardsticks:
//   --baseline shuffled  the reference pieces with their structure destroyed
//                        (music/metrics/shuffled_baseline.h): where "no structure" lies;
//   --train              the corpus's train split against the reference: the ceiling, what
//                        pieces of the same corpus score.
// REFERENCE is a folder of MIDI files (all of them, or --split S of the data stage's split
// by name) or a JSON piano-roll corpus (--split, default test; --separated for a chorale
// corpus of [S, A, T, B] steps, read as four voices); --as REPR reads every piece as a
// representation sees it (melody: the top line). A JSON roll corpus says nothing of its
// time grid, so --model reads it from the run (or zoo model) whose samples these are: the
// grid it was trained on. --excerpt-beats N cuts every set into N-beat excerpts first, so
// short samples meet pieces of their own length. Four-track sets get the chorale
// voice-leading rates too. --json prints JSON instead of the tables; --out FILE writes it.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "engine/error.h"
#include "models/run_dir.h"
#include "music/metrics/set_compare.h"
#include "music/metrics/shuffled_baseline.h"
#include "tools/cli_util.h"
#include "tools/commands.h"
#include "tools/compare_report.h"
#include "tools/piece_sets.h"

namespace cadenza::tools {
namespace {

namespace fs = std::filesystem;
namespace mm = music::metrics;

struct CompareOptions {
  std::string generated, reference, split, baseline = "shuffled", out, as, model;
  int steps_per_quarter = 0;
  double excerpt_beats = 0;
  uint64_t seed = 0;
  bool train = false, json = false, separated = false;
};

std::string yes_no(bool b) { return b ? "yes" : "no"; }

void run_compare(const CompareOptions& o) {
  const int grid = o.model.empty()
                       ? o.steps_per_quarter
                       : models::load_run_spec(models::resolve_checkpoint(o.model).dir).data.steps_per_quarter;
  CorpusReading reading{o.split, grid, o.separated, o.as};
  std::error_code ec;
  const bool corpus = !fs::is_directory(o.reference, ec);
  if (corpus && reading.split.empty()) reading.split = "test";
  CADENZA_CHECK(!o.train || !reading.split.empty(), "--train needs a split of REFERENCE: a corpus, or --split");
  CADENZA_CHECK(!o.train || reading.split != "train", "--train compares the train split with another: --split {}",
                reading.split);
  CADENZA_CHECK(fs::is_directory(o.generated, ec), "{}: GENERATED must be a folder of MIDI files", o.generated);
  CorpusReading as_is;
  as_is.as = o.as;
  PieceSet generated = read_piece_set(o.generated, as_is);
  PieceSet reference = read_piece_set(o.reference, reading);
  if (o.excerpt_beats > 0) cut_into_excerpts(generated, o.excerpt_beats), cut_into_excerpts(reference, o.excerpt_beats);
  CADENZA_CHECK(reference.pieces.size() >= 2, "{}: a reference needs 2 or more pieces", reference.description);

  struct Compared {
    std::string key, description;
    std::vector<music::Score> pieces;
  };
  std::vector<Compared> sets;
  sets.push_back({"generated", generated.description, generated.pieces});
  if (o.baseline == "shuffled")
    sets.push_back({"shuffled",
                    fmt::format("the reference, pitches and onsets shuffled within each track (seed {})", o.seed),
                    mm::shuffled_baseline(reference.pieces, o.seed)});
  if (o.train) {
    CorpusReading train = reading;
    train.split = "train";
    PieceSet t = read_piece_set(o.reference, train);
    if (o.excerpt_beats > 0) cut_into_excerpts(t, o.excerpt_beats);
    sets.push_back({"train", t.description + " (the ceiling)", std::move(t.pieces)});
  }
  std::vector<const std::vector<music::Score>*> all = {&reference.pieces};
  for (const Compared& s : sets) all.push_back(&s.pieces);
  const mm::FeatureOptions features = mm::common_features(all);
  const mm::SetFeatures ref = mm::measure_set(reference.pieces, features);

  std::vector<CompareResult> results;
  for (const Compared& s : sets) {
    const mm::SetFeatures measured = mm::measure_set(s.pieces, features);
    results.push_back({s.key, s.description, s.pieces.size(), mm::compare_sets(ref, measured), measured.voice_leading});
  }

  nlohmann::json comparisons = nlohmann::json::object();
  for (const CompareResult& r : results) comparisons[r.key] = comparison_json(r);
  nlohmann::json json = {
      {"generated", generated.description},
      {"reference", reference.description},
      {"features",
       {{"musegan", features.musegan}, {"drums", features.drums}, {"voice_leading", features.voice_leading}}},
      {"comparisons", comparisons}};
  std::vector<std::pair<std::string, mm::VoiceLeading>> voices;
  if (features.voice_leading) {
    voices.push_back({"reference", ref.voice_leading});
    for (const CompareResult& r : results) voices.push_back({r.key, r.voice_leading});
    for (const auto& [key, v] : voices) json["voice_leading"][key] = voice_leading_json(v);
  }
  const std::string text = json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (!o.out.empty()) write_text_file(o.out, text);
  if (o.json) {
    fmt::print("{}", text);
    return;
  }
  fmt::print("reference  {}\n", reference.description);
  fmt::print("features   MuseGAN's: {}, drum pattern: {}, voice leading: {}\n", yes_no(features.musegan),
             yes_no(features.drums), yes_no(features.voice_leading));
  fmt::print(
      "OA   1: the set lies as close to the reference as its pieces lie to each other, 0: farther\n"
      "KLD  nats, 0: the same distance densities\n");
  for (const CompareResult& r : results) fmt::print("\n{}", comparison_table(r));
  if (features.voice_leading) fmt::print("\n{}", voice_leading_table(voices));
  fmt::print("\nmean OA:");
  for (const CompareResult& r : results) fmt::print(" {} {:.3f}", r.key, mm::mean_distance(r.rows).overlap);
  fmt::print("\n");
  if (!o.out.empty()) fmt::print("wrote {}\n", o.out);
}

}  // namespace

void add_compare_command(CLI::App& app) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Measure a folder of generated MIDI files against held-out pieces (MGEval's OA and KLD per feature), "
      "beside a shuffled-corpus baseline and the train split");
  cmd->add_option("generated", o->generated, "Folder of generated MIDI files")->required();
  cmd->add_option("reference", o->reference,
                  "Folder of MIDI files, or a JSON piano-roll corpus (one split of it: --split)")
      ->required();
  cmd->add_option("--split", o->split,
                  "The reference's split: train, valid or test (a corpus: default test; a folder: the data stage's "
                  "split by file name, default every file)")
      ->check(CLI::IsMember({"train", "valid", "test"}));
  cmd->add_flag("--train", o->train, "Also measure the corpus's train split against the reference (the ceiling)");
  cmd->add_option("--baseline", o->baseline, "shuffled (default): also measure the shuffled reference; none")
      ->check(CLI::IsMember({"shuffled", "none"}));
  cmd->add_option("--seed", o->seed, "Seed of the shuffled baseline");
  cmd->add_flag("--separated", o->separated,
                "The JSON corpus keeps its four voices apart ([S, A, T, B] per step, -1 silent, as "
                "Jsb16thSeparated.json): read each piece as four tracks");
  cmd->add_option("--as", o->as,
                  "Read every piece, generated and reference, as this representation sees it (encoded and "
                  "decoded): melody (the top line a melody model learns), trio (melody, bass, drums), ...");
  CLI::Option* grid = cmd->add_option("--steps-per-quarter", o->steps_per_quarter,
                                      "Grid of a JSON roll corpus (default from its name: quarter 1, 8th 2, else 4)")
                          ->check(CLI::PositiveNumber);
  cmd->add_option("--model", o->model,
                  "The run directory or zoo model that wrote GENERATED: read a JSON roll corpus on the grid it was "
                  "trained on")
      ->excludes(grid);
  cmd->add_option("--excerpt-beats", o->excerpt_beats,
                  "Cut every piece of every set into excerpts of this many quarter notes first (the last kept "
                  "from half that length), so samples meet held-out pieces of their own length")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", o->json, "Print JSON instead of the tables");
  cmd->add_option("--out", o->out, "Also write the JSON to this file");
  cmd->callback([o] { run_compare(*o); });
}

}  // namespace cadenza::tools
