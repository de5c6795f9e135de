// Evaluation in bounded windows: the recurrent families carry their state from one window
// to the next (so the windows' NLL is the whole piece's), no batch holds more than the
// window however long the piece, and a corpus holding only the evaluated split is enough.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "engine/cpu/allocator.h"
#include "engine/serialize/atomic_file.h"
#include "models/data.h"
#include "models/registry.h"
#include "models/train.h"
#include "music/repr/json_roll.h"
#include "ops/ops.h"
#include "run_cli.h"
#include "tests/models/cli_checks.h"

using namespace cadenza;
using namespace cadenza::models;
namespace fs = std::filesystem;
namespace repr = music::repr;

namespace {

struct TempDir : cadenza::test::TempDir {
  explicit TempDir(const std::string& name) : cadenza::test::TempDir("cadenza_eval_windows", name) {}
};

// A piece of `frames` random steps of up to three pitches in 48..83 (the melody tokens'
// range), notes held for a few steps so that performance tokens have time shifts.
repr::RollPiece random_piece(int64_t frames, uint32_t seed) {
  std::mt19937 rng(seed);
  repr::RollPiece piece;
  repr::RollStep held;
  for (int64_t t = 0; t < frames; ++t) {
    if (rng() % 3 == 0) {
      held.clear();
      const int n = int(rng() % 4);
      for (int k = 0; k < n; ++k) held.push_back(48 + int(rng() % 36));
      std::sort(held.begin(), held.end());
      held.erase(std::unique(held.begin(), held.end()), held.end());
    }
    piece.push_back(held);
  }
  return piece;
}

// A corpus file with the given splits of pieces of the given lengths. The file name says
// "quarter" so that a step is one quarter note (data.h's default grid rule).
fs::path write_corpus(const TempDir& dir, const std::map<std::string, std::vector<int64_t>>& lengths) {
  repr::RollCorpus corpus;
  uint32_t seed = 1;
  for (const auto& [split, sizes] : lengths)
    for (int64_t n : sizes) corpus.splits[split].push_back(random_piece(n, seed++));
  const fs::path path = dir.path / "synthetic-quarter.json";
  serialize::write_file_atomic(path, repr::roll_corpus_to_json(corpus));
  return path;
}

// Summed NLL and counted steps of `split` in windows of `window` steps, `batch` rows.
std::pair<double, double> nll_sum(Model& model, const fs::path& path, int64_t window, int64_t batch,
                                  DataSplit split = DataSplit::test) {
  const Dataset data(model, DataOptions{.path = path, .batch_size = batch, .eval_length = window}, DataUse::eval);
  const EvalResult r = evaluate(model, data, split);
  return {r.nll * r.steps, r.steps};
}

}  // namespace

TEST_CASE("recurrent families give the whole-piece NLL in windows with carried state", "[eval]") {
  const TempDir dir("carried");
  // Pieces longer than many windows and one shorter than a window; batch 2, so lanes are
  // reused as pieces end, a piece moves to another row when the one above it ends, and
  // batches shrink at the end.
  const fs::path path = write_corpus(dir, {{"test", {7, 150, 96, 61}}});
  struct Family {
    std::string name, preset;
    nlohmann::json config;
  };
  const std::vector<Family> families = {
      {"poly_rnn", "small", {{"hidden", 16}}},
      {"poly_rnn", "nade", {{"hidden", 16}, {"nade_hidden", 12}}},
      {"melody_rnn", "small", {{"hidden", 16}, {"num_layers", 2}}},
      {"melody_rnn", "attention", {{"hidden", 16}, {"num_layers", 1}, {"attn_length", 5}, {"dropout", 0.0}}},
      {"performance_rnn",
       "small",
       {{"hidden", 16}, {"num_layers", 2}, {"note_density", true}, {"pitch_histogram", true}}},
  };
  for (const Family& f : families) {
    SECTION(f.name + " " + f.preset) {
      manual_seed(3);
      std::shared_ptr<Model> model = make_model(f.name, f.preset, f.config);
      const auto [whole, steps] = nll_sum(*model, path, 100000, 4);  // every piece in one window
      const auto [windowed, windowed_steps] = nll_sum(*model, path, 9, 2);
      INFO(f.name << " " << f.preset << ": whole " << whole << " windowed " << windowed << " over " << steps);
      CHECK(steps > 200);
      CHECK(windowed_steps == steps);
      CHECK(std::abs(windowed - whole) <= 1e-5 * std::abs(whole));
    }
  }
}

TEST_CASE("performance controls of evaluation windows are the whole piece's", "[eval]") {
  // Note density and pitch histogram look seconds ahead: computed over a window alone,
  // its last steps would see the window's end instead of the rest of the piece.
  const TempDir dir("controls");
  const fs::path path = write_corpus(dir, {{"test", {120}}});
  auto model =
      make_model("performance_rnn", "small", {{"hidden", 8}, {"note_density", true}, {"pitch_histogram", true}});
  // The counted rows of every batch's condition, in order (one piece: one lane).
  auto rows = [&](int64_t window) {
    std::vector<float> out;
    const Dataset data(*model, DataOptions{.path = path, .batch_size = 1, .eval_length = window}, DataUse::eval);
    data.for_each_eval_batch(
        DataSplit::test,
        [&](const Batch& b) {
          const std::vector<float> c = b.condition.to_vector<float>(), m = b.mask.to_vector<float>();
          const size_t C = size_t(b.condition.size(2));
          for (size_t t = 0; t < m.size(); ++t)
            if (m[t] > 0) out.insert(out.end(), c.begin() + long(t * C), c.begin() + long((t + 1) * C));
        },
        0, EvalLayout::carried);
    return out;
  };
  const std::vector<float> whole = rows(100000), windowed = rows(9);
  CHECK(whole.size() > 100 * 20);  // over a hundred counted tokens of 20 control values
  CHECK(windowed == whole);
}

TEST_CASE("a model without carried state scores each window alone", "[eval]") {
  // music_transformer attends within its window only, so cutting pieces into windows
  // changes its NLL by more than rounding (data.h says so; the recurrent families above
  // agree to 1e-5).
  const TempDir dir("stateless");
  const fs::path path = write_corpus(dir, {{"test", {40, 33}}});
  manual_seed(3);
  auto transformer =
      make_model("music_transformer", "small", {{"d_model", 16}, {"layers", 1}, {"heads", 2}, {"d_ff", 16}});
  const auto [whole, steps] = nll_sum(*transformer, path, 100000, 4);
  const auto [windowed, windowed_steps] = nll_sum(*transformer, path, 9, 2);
  CHECK(windowed_steps == steps);
  INFO("whole " << whole << " windowed " << windowed);
  CHECK(std::abs(windowed - whole) > 1e-4 * std::abs(whole));
}

TEST_CASE("evaluation batches stay within the window whatever the piece length", "[eval]") {
  const TempDir dir("bounded");
  const fs::path short_corpus = write_corpus(dir, {{"test", {200}}});
  const fs::path long_dir = dir.path / "long";
  fs::create_directories(long_dir);
  repr::RollCorpus long_corpus;
  long_corpus.splits["test"] = {random_piece(2000, 9)};
  serialize::write_file_atomic(long_dir / "long-quarter.json", repr::roll_corpus_to_json(long_corpus));
  manual_seed(3);
  auto model = make_model("poly_rnn", "nade", {{"hidden", 16}, {"nade_hidden", 32}});

  // Every batch is at most batch_size rows of window frames (the padded tensors included),
  // in either layout.
  const Dataset data(*model, DataOptions{.path = long_dir / "long-quarter.json", .batch_size = 2, .eval_length = 16},
                     DataUse::eval);
  for (EvalLayout layout : {EvalLayout::carried, EvalLayout::in_order}) {
    int64_t batches = 0, frames = 0;
    data.for_each_eval_batch(
        DataSplit::test,
        [&](const Batch& b) {
          CHECK(b.inputs.size(0) <= 2);
          CHECK(b.inputs.size(1) <= 16);
          CHECK(b.carry.defined() == (layout == EvalLayout::carried));
          frames += int64_t(sum(b.mask).item<double>());
          ++batches;
        },
        0, layout);
    CHECK(frames == 2000);  // the added silent start frame predicts the first of the 2000
    CHECK(batches == (layout == EvalLayout::carried ? 125 : 63));  // one lane; two windows a batch
  }

  // The allocator's peak: a piece ten times longer needs no more memory in windows, and
  // the same piece in one window needs far more (the measure sees piece length).
  nll_sum(*model, short_corpus, 16, 2);
  const uint64_t short_peak = cpu::allocator_stats().peak_bytes_in_use;
  nll_sum(*model, long_dir / "long-quarter.json", 16, 2);
  const uint64_t long_peak = cpu::allocator_stats().peak_bytes_in_use;
  nll_sum(*model, long_dir / "long-quarter.json", 100000, 2);
  const uint64_t whole_peak = cpu::allocator_stats().peak_bytes_in_use;
  INFO("peak bytes: 200 frames in windows " << short_peak << ", 2000 in windows " << long_peak << ", 2000 whole "
                                            << whole_peak);
  CHECK(long_peak <= short_peak + short_peak / 20);
  CHECK(whole_peak > 4 * long_peak);
}

TEST_CASE("a corpus holding only the evaluated split is enough to evaluate, not to train", "[eval]") {
  const TempDir dir("test_only");
  const fs::path path = write_corpus(dir, {{"test", {30, 12}}});
  auto model = make_model("poly_rnn", "small", {{"hidden", 8}});
  const Dataset data(*model, DataOptions{.path = path}, DataUse::eval);
  CHECK(evaluate(*model, data, DataSplit::test).steps == 42);
  CHECK_THROWS_WITH(data.for_each_eval_batch(DataSplit::valid, [](const Batch&) {}), Catch::Contains("no valid split"));
  CHECK_THROWS_WITH(Dataset(*model, DataOptions{.path = path}), Catch::Contains("no training pieces"));
  CHECK_THROWS_WITH(Dataset(*model, DataOptions{.path = path}, DataUse::eval).next_train_batch(),
                    Catch::Contains("no training pieces"));
}

TEST_CASE("cadenza eval reads a file holding only a test split, and train refuses it", "[eval][cli]") {
  using cadenza::music::test::run_cadenza;
  const TempDir dir("cli");
  const fs::path path = write_corpus(dir, {{"test", {30, 12}}});
  const auto trained = run_cadenza("train --model toy_roll --out " + dir / "run" + " --data " + cadenza::test::kJsbArg +
                                   " --steps 2 --batch 4");
  cadenza::test::require_ok(trained);
  const auto r = run_cadenza("eval --checkpoint " + dir / "run" + " --data " + dir / path.filename().string() +
                             " --split test --samples 0 --json");
  cadenza::test::require_ok(r);
  const nlohmann::json out = nlohmann::json::parse(r.out);
  CHECK(out["split"] == "test");
  CHECK(out["steps"] == 42);
  CHECK(std::isfinite(out["nll"].get<double>()));
  cadenza::test::check_one_line_error(run_cadenza("train --model toy_roll --out " + dir / "run2" + " --data " +
                                                  dir / path.filename().string() + " --steps 2"),
                                      "no training pieces");
}
