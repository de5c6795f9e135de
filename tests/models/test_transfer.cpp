// Transfer learning (models/transfer.h): a run started from another run's checkpoint on a
// new corpus, with frozen parameter groups; and its errors, through the library and the CLI.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "cli_checks.h"
#include "models/metrics_log.h"
#include "models/registry.h"
#include "models/train.h"
#include "models/transfer.h"
#include "music/repr/json_roll.h"
#include "ops/ops.h"

using cadenza::music::test::run_cadenza;
using cadenza::test::TempDir;
using namespace cadenza;
using namespace cadenza::models;
namespace fs = std::filesystem;

namespace {

const fs::path& kJsb = cadenza::test::kJsbPath;

nlohmann::json tiny_patch(int64_t steps, const fs::path& data) {
  return {{"data", {{"batch_size", 8}, {"length", 16}, {"path", data.string()}}},
          {"train",
           {{"steps", steps},
            {"log_every", 1},
            {"valid_every", 0},
            {"valid_batches", 2},
            {"checkpoint_every", 100},
            {"lr", 0.05},
            {"warmup", 0}}}};
}

TrainHooks quiet() { return {nullptr, nullptr}; }

double first_train_loss(const fs::path& dir) { return MetricsLog::read(metrics_path(dir)).front().train_loss; }

// The "new corpus": JSB pieces the first run never trained on (its test split as train).
fs::path write_new_corpus(const fs::path& dir) {
  music::repr::RollCorpus jsb = music::repr::load_roll_json(kJsb), other;
  other.splits["train"] = jsb.splits.at("test");
  other.splits["valid"] = jsb.splits.at("valid");
  const fs::path path = dir / "other.json";
  std::ofstream(path) << music::repr::roll_corpus_to_json(other);
  return path;
}

}  // namespace

TEST_CASE("fine-tuning starts at the checkpoint's loss and leaves frozen groups bit-identical", "[transfer]") {
  TempDir tmp("cadenza_transfer", "finetune");
  const fs::path base = tmp.path / "base", tuned = tmp.path / "tuned", fresh = tmp.path / "fresh";
  const fs::path corpus = write_new_corpus(tmp.path);

  REQUIRE(train(base, make_run_spec("toy_roll", "small", tiny_patch(60, kJsb)), false, quiet()).status ==
          TrainStatus::finished);
  const double base_end = MetricsLog::read(metrics_path(base)).back().train_loss;

  RunSpec spec = fine_tune_spec(base, tiny_patch(8, corpus));
  CHECK(spec.model == "toy_roll");
  spec.train.freeze = "lin.bias";
  REQUIRE(train(tuned, spec, false, quiet()).status == TrainStatus::finished);
  REQUIRE(train(fresh, make_run_spec("toy_roll", "small", tiny_patch(8, corpus)), false, quiet()).status ==
          TrainStatus::finished);

  // The first step's loss is the initial model's on a new-corpus batch: near where the
  // base run ended, far below a random linear layer's (~0.69 nats per key, x 88 keys).
  const double tuned_start = first_train_loss(tuned), fresh_start = first_train_loss(fresh);
  INFO("base end " << base_end << ", fine-tune start " << tuned_start << ", fresh start " << fresh_start);
  CHECK(std::abs(tuned_start - base_end) < 0.25 * base_end);
  CHECK(tuned_start < 0.5 * fresh_start);

  const TrainedModel before = load_trained_model(base), after = load_trained_model(tuned);
  CHECK(after.step == 8);  // a fresh run: its own step count and optimizer
  const auto bias0 = before.model->state_dict().at("lin.bias").to_vector<float>();
  const auto bias1 = after.model->state_dict().at("lin.bias").to_vector<float>();
  CHECK(bias0 == bias1);
  CHECK(before.model->state_dict().at("lin.weight").to_vector<float>() !=
        after.model->state_dict().at("lin.weight").to_vector<float>());

  // Resuming the fine-tuned run keeps the freeze (it is in config.json).
  RunSpec more = load_run_spec(tuned);
  CHECK(more.train.init_from == fs::absolute(base).string());
  more.train.steps = 10;
  REQUIRE(train(tuned, more, true, quiet()).status == TrainStatus::finished);
  CHECK(load_trained_model(tuned).model->state_dict().at("lin.bias").to_vector<float>() == bias0);
}

TEST_CASE("transfer errors: unknown group lists the groups, other family, changed shapes", "[transfer]") {
  auto model = make_model("toy_tokens", "small");
  CHECK(parameter_groups(*model) == std::vector<std::string>{"embed", "embed.weight", "out", "out.weight", "out.bias"});
  CHECK_THROWS_WITH(trainable_parameters(*model, {"lstm.0"}), Catch::Contains("no parameter group 'lstm.0'") &&
                                                                  Catch::Contains("(groups: embed, embed.weight, out"));
  CHECK_THROWS_WITH(trainable_parameters(*model, {"embed", "out"}), Catch::Contains("nothing would train"));
  // A prefix must end at a dot: "emb" is not a group.
  CHECK_THROWS_WITH(trainable_parameters(*model, {"emb"}), Catch::Contains("no parameter group 'emb'"));
  CHECK(parse_groups(" embed , out.bias") == std::vector<std::string>{"embed", "out.bias"});
  CHECK_THROWS_WITH(parse_groups("embed,,out"), Catch::Contains("empty parameter group"));

  TempDir tmp("cadenza_transfer", "errors");
  const fs::path base = tmp.path / "base";
  REQUIRE(train(base, make_run_spec("toy_tokens", "small", tiny_patch(2, kJsb)), false, quiet()).status ==
          TrainStatus::finished);
  auto roll = make_model("toy_roll", "small");
  CHECK_THROWS_WITH(load_initial_weights(*roll, base), Catch::Contains("holds a 'toy_tokens' model, not 'toy_roll'"));
  auto wider = make_model("toy_tokens", "small", {{"dim", 16}});
  CHECK_THROWS_WITH(load_initial_weights(*wider, base),
                    Catch::Contains("--init-from") && Catch::Contains("embed.weight"));
  CHECK_THROWS_WITH(fine_tune_spec(tmp.path / "nothing", nullptr), Catch::Contains("no such run directory"));
}

TEST_CASE("cadenza train --init-from / --freeze: a run, and one-line errors", "[transfer][cli]") {
  TempDir tmp("cadenza_transfer", "cli");
  const std::string quick = " --steps 3 --batch 4 --config " + (tmp / "quick.json");
  std::ofstream(tmp.path / "quick.json")
      << R"({"data": {"length": 16}, "train": {"valid_every": 0, "valid_batches": 1}})";
  REQUIRE(run_cadenza("train --model toy_tokens --out " + (tmp / "base") + quick).status == 0);

  const auto ok =
      run_cadenza("train --init-from " + (tmp / "base") + " --freeze embed --out " + (tmp / "tuned") + quick);
  INFO(ok.err);
  REQUIRE(ok.status == 0);
  CHECK(load_trained_model(tmp.path / "base").model->state_dict().at("embed.weight").to_vector<float>() ==
        load_trained_model(tmp.path / "tuned").model->state_dict().at("embed.weight").to_vector<float>());

  using cadenza::test::check_one_line_error;
  check_one_line_error(
      run_cadenza("train --init-from " + (tmp / "base") + " --model toy_roll --out " + (tmp / "x1") + quick),
      "holds a 'toy_tokens' model, not 'toy_roll'");
  check_one_line_error(
      run_cadenza("train --init-from " + (tmp / "base") + " --freeze lstm --out " + (tmp / "x2") + quick),
      "(groups: embed, embed.weight, out, out.weight, out.bias)");
  CHECK_FALSE(fs::exists(tmp.path / "x2" / "config.json"));  // refused before anything is written
  check_one_line_error(run_cadenza("train --init-from " + (tmp / "nowhere") + " --out " + (tmp / "x3")),
                       "no such run directory");
  // Resuming takes the starting command again, but not another starting point.
  cadenza::test::require_ok(run_cadenza("train --resume --init-from " + (tmp / "base") + " --out " + (tmp / "tuned")));
  check_one_line_error(run_cadenza("train --resume --init-from " + (tmp / "tuned") + " --out " + (tmp / "tuned")),
                       "not train.init_from");
}

TEST_CASE("fine-tuning from a checkpoint file (init-from DIR/best.safetensors) starts from that checkpoint",
          "[transfer]") {
  TempDir tmp("cadenza_transfer", "from_best");
  const fs::path base = tmp.path / "base";
  nlohmann::json patch = tiny_patch(12, kJsb);
  patch["train"]["valid_every"] = 3;
  REQUIRE(train(base, make_run_spec("toy_roll", "small", patch), false, quiet()).status == TrainStatus::finished);
  REQUIRE(fs::exists(best_checkpoint_path(base)));
  const TrainedModel best = load_trained_model(best_checkpoint_path(base));

  const RunSpec spec = fine_tune_spec(best_checkpoint_path(base), tiny_patch(1, kJsb));
  CHECK(spec.model == "toy_roll");
  CHECK(spec.train.init_from == fs::absolute(best_checkpoint_path(base)).string());
  auto model = make_model("toy_roll", "small");
  load_initial_weights(*model, best_checkpoint_path(base));
  for (const auto& [name, t] : best.model->state_dict()) {
    INFO(name);
    CHECK(model->state_dict().at(name).to_vector<float>() == t.to_vector<float>());
  }
  CHECK_THROWS_WITH(fine_tune_spec(base / "missing.safetensors", nullptr), Catch::Contains("missing.safetensors"));
}
