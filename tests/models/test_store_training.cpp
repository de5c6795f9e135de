// Training from a corpus store: the store's batches and evaluation windows as the models
// see them, a music_transformer trained, evaluated and sampled on a BPE store end to end,
// and one-line errors for a store that does not fit the model.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "models/data.h"
#include "models/registry.h"
#include "music/corpus/store.h"
#include "music/corpus/store_builder.h"
#include "music/dataset/skipped_files.h"
#include "ops/reduce.h"
#include "run_cli.h"
#include "tests/models/cli_checks.h"
#include "tests/support/test_data.h"

using cadenza::music::test::CliResult;
using cadenza::music::test::run_cadenza;
using cadenza::test::check_one_line_error;
using cadenza::test::require_ok;
namespace fs = std::filesystem;
namespace models = cadenza::models;
namespace corpus = cadenza::music::corpus;

namespace {

const std::string kFreedoom = "'" + cadenza::test::test_data("freedoom").string() + "'";
// A store of the bundled tracks with every split populated.
const std::string kSplits = " --valid 0.25 --test 0.25";
const std::string kTiny = R"({"config": {"layers": 1, "d_model": 32, "heads": 2, "d_ff": 64}, "data": {"length": 32}})";

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

}  // namespace

TEST_CASE("store source: batches are windows of train pieces, evaluation reads each test piece once", "[store]") {
  cadenza::test::TempDir tmp("store_training", "source");
  corpus::BuildOptions build;
  build.fractions = {0.25, 0.25};
  cadenza::music::dataset::SkippedFiles skipped;
  corpus::build_store(cadenza::test::test_data("freedoom"), tmp.path / "store", build, skipped);
  const corpus::Store store(tmp.path / "store");
  const auto test_pieces = store.pieces_of(cadenza::music::dataset::Split::kTest);
  REQUIRE(!test_pieces.empty());

  const auto model = models::make_model("music_transformer", "small", {{"tokenizer", "remi"}});
  models::DataOptions o;
  o.path = tmp.path / "store";
  o.batch_size = 3;
  o.length = 16;
  o.seed = 5;
  models::Dataset data(*model, o);
  // Batch p is the same however it is reached.
  std::vector<models::Batch> straight;
  for (int i = 0; i < 4; ++i) straight.push_back(data.next_train_batch());
  data.seek(2);
  const models::Batch again = data.next_train_batch();
  CHECK(again.inputs.to_vector<int64_t>() == straight[2].inputs.to_vector<int64_t>());
  CHECK(again.targets.to_vector<int64_t>() == straight[2].targets.to_vector<int64_t>());
  // Every training row is a run of consecutive tokens of one train piece.
  std::vector<std::vector<int32_t>> train;
  for (uint32_t p : store.pieces_of(cadenza::music::dataset::Split::kTrain)) train.push_back(store.tokens(p));
  const auto in = straight[0].inputs.to_vector<int64_t>();
  const auto mask = straight[0].mask.to_vector<float>();
  for (int64_t b = 0; b < 3; ++b) {
    std::vector<int32_t> row;
    for (int64_t t = 0; t < 16 && mask[b * 16 + t] > 0; ++t) row.push_back(static_cast<int32_t>(in[b * 16 + t]));
    REQUIRE(row.size() >= 2);
    bool found = false;
    for (const auto& piece : train)
      found = found || std::search(piece.begin(), piece.end(), row.begin(), row.end()) != piece.end();
    CHECK(found);
  }
  // Evaluation predicts every token of every test piece but its first, once.
  double predicted = 0, expected = 0;
  data.for_each_eval_batch(models::DataSplit::test,
                           [&](const models::Batch& b) { predicted += cadenza::sum(b.mask).item<double>(); });
  for (uint32_t p : test_pieces) expected += std::max<double>(store.length(p), 1) - 1;  // drums only: no tokens
  CHECK(predicted == expected);
}

TEST_CASE("a music_transformer trains, evaluates and samples on a BPE store", "[store][cli]") {
  cadenza::test::TempDir dir("store_training", "bpe");
  require_ok(run_cadenza("corpus build " + kFreedoom + " --out " + dir / "remi" + kSplits));
  require_ok(run_cadenza("tokenizer train --store " + dir / "remi" + " --vocab 400 --out " + dir / "bpe.json"));
  require_ok(run_cadenza("corpus build " + kFreedoom + " --out " + dir / "bpe" + " --tokenizer " + dir / "bpe.json" +
                         kSplits));
  write(dir.path / "tiny.json", kTiny);
  const std::string train = "train --model music_transformer --data " + dir / "bpe" + " --config " + dir / "tiny.json" +
                            " --batch 4 --steps 3 --out " + dir / "run";
  // The model must read the store's tokens: the preset's performance tokens do not.
  check_one_line_error(run_cadenza(train),
                       "the store holds bpe-remi tokens (vocabulary 400) but the model reads "
                       "performance tokens");
  require_ok(run_cadenza(train + " --tokenizer " + dir / "bpe.json"));
  // The run's config holds the whole tokenizer: nothing else is needed to sample or evaluate.
  fs::remove(dir.path / "bpe.json");
  const auto config = nlohmann::json::parse(std::ifstream(dir.path / "run" / "config.json"));
  CHECK(config["config"]["tokenizer"]["base"] == "remi");
  CHECK(config["config"]["tokenizer"]["vocab_size"] == 400);
  const CliResult eval = run_cadenza("eval --checkpoint " + dir / "run" + " --split test --samples 0 --json");
  require_ok(eval);
  const auto e = nlohmann::json::parse(eval.out);
  CHECK(std::isfinite(e["nll"].get<double>()));
  CHECK(e["steps"].get<double>() > 0);
  require_ok(run_cadenza("sample --checkpoint " + dir / "run" + " --out " + dir / "s.mid" + " --length 40 --png none"));
  CHECK(fs::file_size(dir.path / "s.mid") > 0);
  // A REMI model evaluated on the BPE store is refused, not misread.
  require_ok(run_cadenza("train --model music_transformer --data " + dir / "remi" + " --tokenizer remi --config " +
                         dir / "tiny.json" + " --batch 4 --steps 1 --out " + dir / "remi_run"));
  check_one_line_error(run_cadenza("eval --checkpoint " + dir / "remi_run" + " --data " + dir / "bpe" + " --samples 0"),
                       "the store holds bpe-remi tokens");
}

TEST_CASE("store and BPE input errors: one line, exit 1", "[store][cli]") {
  cadenza::test::TempDir dir("store_training", "errors");
  require_ok(run_cadenza("corpus build " + kFreedoom + " --out " + dir / "remi" + kSplits));
  write(dir.path / "tiny.json", kTiny);
  write(dir.path / "augment.json", R"({"data": {"max_transpose": 3}})");
  const std::string on_store = "train --model music_transformer --data " + dir / "remi" + " --out " + dir / "run";
  check_one_line_error(run_cadenza(on_store + " --tokenizer remi --config " + dir / "augment.json"),
                       "cannot be augmented: set max_transpose to 0, not 3");
  check_one_line_error(run_cadenza("train --model toy_roll --data " + dir / "remi" + " --out " + dir / "run"),
                       "a corpus store holds tokens, and model 'toy_roll' reads piano rolls");
  check_one_line_error(run_cadenza(on_store + " --tokenizer " + dir / "nothing.json"), "neither a name");
  check_one_line_error(run_cadenza("tokenizer train --store " + dir / "remi" + " --vocab 200 --out " + dir / "b.json"),
                       "--vocab 200 must be larger than the remi vocabulary of 273 tokens");
  write(dir.path / "corrupt.json", R"({"format": "cadenza-bpe", "version": 1, "base": "remi", "base_vocab_size": 273,
    "vocab_size": 275, "merges": [[0, 1], [0, 999]]})");
  const std::string mid = "'" + (cadenza::test::test_data("freedoom") / "d_e1m1.mid").string() + "'";
  check_one_line_error(
      run_cadenza("tokenizer encode --tokenizer " + dir / "corrupt.json" + " " + mid + " --out " + dir / "x.tok"),
      "merge 1 (0, 999) names a token outside 0..273");
  check_one_line_error(
      run_cadenza("corpus build " + kFreedoom + " --out " + dir / "bad" + " --tokenizer " + dir / "corrupt.json"),
      "merge 1 (0, 999)");
  write(dir.path / "torn.json", R"({"format": "cadenza-bpe", "merges": [[0,)");
  check_one_line_error(
      run_cadenza("tokenizer encode --tokenizer " + dir / "torn.json" + " " + mid + " --out " + dir / "x.tok"),
      "not JSON");
  require_ok(run_cadenza("tokenizer encode --tokenizer remi " + mid + " --out " + dir / "x.tok"));
  check_one_line_error(
      run_cadenza("tokenizer decode --tokenizer performance " + dir / "x.tok" + " --out " + dir / "x.mid"),
      "holds remi tokens, not performance");
  require_ok(run_cadenza("tokenizer decode --tokenizer remi " + dir / "x.tok" + " --out " + dir / "x.mid"));
}
