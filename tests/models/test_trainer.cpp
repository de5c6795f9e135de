// The data pipeline and the training loop (models/data.h, models/train.h) on the test-only
// toy families of toy_models.cpp and the bundled JSB Chorales.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "cli_checks.h"
#include "models/early_stopping.h"
#include "models/metrics_log.h"
#include "models/registry.h"
#include "models/train.h"
#include "music/repr/json_roll.h"
#include "ops/ops.h"

using cadenza::test::TempDir;
using namespace cadenza;
using namespace cadenza::models;
namespace fs = std::filesystem;

namespace {

const fs::path& kJsb = cadenza::test::kJsbPath;

// A fresh per-process directory, removed at the end of the test.

RunSpec tiny_spec(const std::string& model, int64_t steps, nlohmann::json train_patch = nlohmann::json::object()) {
  nlohmann::json train = {{"steps", steps},     {"log_every", 1},          {"valid_every", 3},
                          {"valid_batches", 2}, {"checkpoint_every", 100}, {"lr", 0.01}};
  train.merge_patch(train_patch);
  RunSpec spec = make_run_spec(model, "small", {{"data", {{"batch_size", 4}, {"length", 16}}}, {"train", train}});
  spec.data.path = kJsb;
  return spec;
}

std::vector<float> floats(const Tensor& t) { return t.to_vector<float>(); }

TrainHooks quiet(const std::atomic<bool>* stop = nullptr) { return {stop, nullptr}; }

}  // namespace

TEST_CASE("roll batches: shapes, shift by one, mask, deterministic from seed and position", "[trainer]") {
  auto model = make_model("toy_roll", "small");
  DataOptions o;
  o.path = kJsb;
  o.batch_size = 3;
  o.length = 10;
  Dataset a(*model, o), b(*model, o);
  const Batch first = a.next_train_batch();
  CHECK(first.inputs.shape() == Shape{3, 10, 88});
  CHECK(first.targets.shape() == Shape{3, 10, 88});
  CHECK(first.mask.shape() == Shape{3, 10});
  CHECK_FALSE(first.condition.defined());
  // Targets are the inputs one step on: input row t + 1 == target row t.
  const auto in = floats(first.inputs), tgt = floats(first.targets);
  for (int64_t t = 0; t + 1 < 10; ++t)
    for (int64_t k = 0; k < 88; ++k) REQUIRE(in[(t + 1) * 88 + k] == tgt[t * 88 + k]);

  for (int i = 0; i < 3; ++i) a.next_train_batch();
  b.seek(4);
  CHECK(a.position() == 4);
  CHECK(floats(a.next_train_batch().targets) == floats(b.next_train_batch().targets));
  o.seed = 1;
  Dataset c(*model, o);
  CHECK(floats(c.next_train_batch().targets) != floats(first.targets));
}

TEST_CASE("token batches: -100 exactly at padding, mask agrees, targets shifted", "[trainer]") {
  auto model = make_model("toy_tokens", "small");
  DataOptions o;
  o.path = kJsb;
  o.batch_size = 4;
  o.length = 2000;  // longer than any melody: every row is padded
  Dataset data(*model, o);
  const Batch b = data.next_train_batch();
  REQUIRE(b.inputs.shape() == Shape{4, 2000});
  CHECK(b.inputs.dtype() == DType::i64);
  const auto in = b.inputs.to_vector<int64_t>(), tgt = b.targets.to_vector<int64_t>();
  const auto mask = floats(b.mask);
  int64_t padded = 0;
  for (size_t i = 0; i < tgt.size(); ++i) {
    REQUIRE((tgt[i] == -100) == (mask[i] == 0.0f));
    padded += mask[i] == 0.0f;
    if (i % 2000 < 1999 && mask[i] != 0.0f) REQUIRE(in[i + 1] == tgt[i]);
  }
  CHECK(padded > 0);
}

TEST_CASE("evaluation predicts every frame of every piece exactly once", "[trainer]") {
  auto model = make_model("toy_roll", "small");
  DataOptions o;
  o.path = kJsb;
  o.batch_size = 16;
  const Dataset data(*model, o);
  double frames = 0;
  const music::repr::RollCorpus corpus = music::repr::load_roll_json(kJsb);
  for (const auto& piece : corpus.splits.at("valid")) frames += static_cast<double>(piece.size());
  for (int64_t window : {0, 7}) {
    DataOptions w = o;
    w.eval_length = window;
    double counted = 0;
    Dataset(*model, w).for_each_eval_batch(DataSplit::valid,
                                           [&](const Batch& b) { counted += sum(b.mask).item<double>(); });
    CHECK(counted == frames);
  }
  const EvalResult r = evaluate(*model, data, DataSplit::valid);
  CHECK(r.steps == frames);
  CHECK(std::isfinite(r.nll));
  CHECK(r.nll > 0);
}

TEST_CASE("bad data and options are refused with the reason", "[trainer]") {
  auto model = make_model("toy_roll", "small");
  DataOptions o;
  o.path = "/no/such/corpus.json";
  CHECK_THROWS_WITH(Dataset(*model, o), Catch::Contains("/no/such/corpus.json") && Catch::Contains("no such corpus"));
  o.path = kJsb;
  o.batch_size = 0;
  CHECK_THROWS_WITH(Dataset(*model, o), Catch::Contains("batch size must be positive"));
  TrainOptions t;
  CHECK_THROWS_WITH(update_from_json(t, {{"stpes", 3}}), Catch::Contains("unknown training option 'stpes'"));
  CHECK_THROWS_WITH(update_from_json(t, {{"steps", 1.5}}), Catch::Contains("'steps' has the wrong type"));
  t.lr = 0;
  CHECK_THROWS_WITH(validate(t), Catch::Contains("learning rate must be positive"));
  t.lr = 1e-3;
  t.optimizer = "rmsprop";
  CHECK_THROWS_WITH(validate(t), Catch::Contains("unknown optimizer 'rmsprop' (expected adam or sgd)"));
  CHECK_THROWS_WITH(make_run_spec("no_such_model", "small", nullptr),
                    Catch::Contains("unknown model 'no_such_model'") && Catch::Contains("toy_roll"));
}

TEST_CASE("a run stopped and resumed at every step ends bit-identical to a straight run", "[trainer]") {
  TempDir straight("cadenza_trainer", "straight"), resumed("cadenza_trainer", "resumed");
  const RunSpec spec = tiny_spec("toy_tokens", 6);  // toy_tokens has dropout: the RNG must resume too
  REQUIRE(train(straight.path, spec, false, quiet()).status == TrainStatus::finished);

  const std::atomic<bool> stop{true};  // every call takes one step, saves and returns
  TrainResult r = train(resumed.path, spec, false, quiet(&stop));
  CHECK(r.status == TrainStatus::interrupted);
  CHECK(r.step == 1);
  CHECK(r.checkpoint_step == 1);
  while (r.status == TrainStatus::interrupted) r = train(resumed.path, load_run_spec(resumed.path), true, quiet(&stop));
  CHECK(r.status == TrainStatus::finished);
  CHECK(r.step == 6);

  const TrainedModel a = load_trained_model(straight.path), b = load_trained_model(resumed.path);
  CHECK(a.step == 6);
  CHECK(b.step == 6);
  for (const auto& [name, t] : a.model->state_dict()) {
    INFO(name);
    CHECK(floats(t) == floats(b.model->state_dict().at(name)));
  }
  // One metrics row per step, no duplicates from the resumptions, same losses.
  const auto rows_a = MetricsLog::read(metrics_path(straight.path)),
             rows_b = MetricsLog::read(metrics_path(resumed.path));
  REQUIRE(rows_b.size() == 6);
  for (size_t i = 0; i < 6; ++i) {
    CHECK(rows_b[i].step == static_cast<int64_t>(i + 1));
    CHECK(rows_b[i].train_loss == rows_a[i].train_loss);
  }
  CHECK(std::isfinite(rows_b[2].valid_nll));
  CHECK(std::isnan(rows_b[1].valid_nll));
}

TEST_CASE("a NaN loss stops training, names the step and keeps the last good checkpoint", "[trainer]") {
  TempDir dir("cadenza_trainer", "nan");
  RunSpec spec = tiny_spec("toy_roll", 20, {{"checkpoint_every", 2}});
  spec.config["nan_after"] = 5;
  const TrainResult r = train(dir.path, spec, false, quiet());
  CHECK(r.status == TrainStatus::diverged);
  CHECK(r.step == 5);
  CHECK(r.checkpoint_step == 4);
  CHECK_THAT(r.message, Catch::Contains("step 6") && Catch::Contains("nan") && Catch::Contains("step 4"));
  CHECK(load_trained_model(dir.path).step == 4);
}

TEST_CASE("metrics.csv and loss.png are well-formed, a checkpoint is not overwritten by a new run", "[trainer]") {
  TempDir dir("cadenza_trainer", "files");
  const RunSpec spec = tiny_spec("toy_roll", 4);
  REQUIRE(train(dir.path, spec, false, quiet()).status == TrainStatus::finished);
  std::ifstream csv(metrics_path(dir.path));
  std::string header;
  std::getline(csv, header);
  CHECK(header == "step,train_loss,valid_nll,lr,tokens_per_s,seconds");
  const auto rows = MetricsLog::read(metrics_path(dir.path));
  REQUIRE(rows.size() == 4);
  for (const auto& row : rows) {
    CHECK(std::isfinite(row.train_loss));
    CHECK(row.lr > 0);
    CHECK(row.tokens_per_s > 0);
  }
  CHECK(rows[2].seconds <= rows[3].seconds);

  std::ifstream png(loss_plot_path(dir.path), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(png)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() > 24);
  CHECK(bytes.substr(0, 8) == "\x89PNG\r\n\x1a\n");
  auto be32 = [&](size_t at) {
    return (uint32_t(uint8_t(bytes[at])) << 24) | (uint32_t(uint8_t(bytes[at + 1])) << 16) |
           (uint32_t(uint8_t(bytes[at + 2])) << 8) | uint32_t(uint8_t(bytes[at + 3]));
  };
  CHECK(be32(16) == 800);  // IHDR width, height
  CHECK(be32(20) == 450);

  CHECK_THROWS_WITH(train(dir.path, spec, false, quiet()), Catch::Contains("already holds a checkpoint"));
  const nlohmann::json saved = nlohmann::json::parse(std::ifstream(config_path(dir.path)));
  CHECK(saved["model"] == "toy_roll");
  CHECK(saved["train"]["steps"] == 4);
  CHECK(fs::path(saved["data"]["path"].get<std::string>()).is_absolute());
}

TEST_CASE("validation is described in the model's own terms: a likelihood, or the GAN critic's gap", "[trainer]") {
  // Each family's registry entry says it; token and roll models share the default.
  const auto wording = [](const std::string& family, double loss, double accuracy) {
    return models::describe_validation(*make_model(family, "small"), loss, accuracy);
  };
  const std::string tokens = wording("melody_rnn", 3.21, 0.4);
  CHECK(tokens == "valid NLL 3.2100 nats/token, accuracy 0.400");
  CHECK(wording("poly_rnn", 8.5, 0.25).find("nats/frame") != std::string::npos);
  CHECK(wording("deepbach", 1.5, 0.5).find("nats/voice-step") != std::string::npos);
  const std::string bars = wording("musegan", -480.26, 0);
  CHECK(bars.find("critic gap -480.2600") != std::string::npos);
  CHECK(bars.find("NLL") == std::string::npos);
}

TEST_CASE("early stopping counts validations since the best, strictly lower being better", "[trainer][early]") {
  EarlyStopping e(2);
  CHECK_FALSE(e.has_best());
  CHECK(e.record(10, 3.0));
  CHECK_FALSE(e.record(20, 3.0));  // equal is not better
  CHECK_FALSE(e.should_stop());
  CHECK(e.record(30, 2.5));
  CHECK_FALSE(e.record(40, NAN));  // a NaN validation never becomes the best...
  CHECK_FALSE(e.should_stop());
  CHECK_FALSE(e.record(50, 2.6));  // ...but counts towards the patience
  CHECK(e.should_stop());
  CHECK(e.best_step() == 30);
  CHECK(e.best() == 2.5);
  // A resumed run rebuilds the same state from metrics.csv's validations.
  EarlyStopping r(2);
  r.replay({{10, 3.0}, {20, 3.0}, {30, 2.5}, {40, NAN}, {50, 2.6}});
  CHECK(r.should_stop());
  CHECK(r.best_step() == 30);
  EarlyStopping off(0);
  for (int i = 0; i < 10; ++i) off.record(i, 1.0 + i);
  CHECK_FALSE(off.should_stop());
}

TEST_CASE("best.safetensors holds the best validation's model, patience stops the run there", "[trainer][early]") {
  TempDir dir("cadenza_trainer", "early");
  // A learning rate this high makes the toy model's validation NLL rise within a few steps.
  const RunSpec spec = tiny_spec("toy_roll", 60, {{"valid_every", 1}, {"patience", 3}, {"lr", 0.5}});
  const TrainResult r = train(dir.path, spec, false, quiet());
  REQUIRE(r.status == TrainStatus::stopped_early);
  REQUIRE(r.best_step >= 1);
  CHECK(r.step == r.best_step + 3);  // three validations (one per step) without a better one
  CHECK(r.checkpoint_step == r.step);
  // Every validation after the best is no lower; none before it is lower either.
  for (const MetricsRow& row : MetricsLog::read(metrics_path(dir.path)))
    if (std::isfinite(row.valid_nll)) CHECK(row.valid_nll >= r.best_valid_nll);
  // The best checkpoint reproduces the best validation exactly; the last one does not.
  const TrainedModel best = load_trained_model(best_checkpoint_path(dir.path));
  CHECK(best.step == r.best_step);
  Dataset data(*best.model, load_run_spec(dir.path).data);
  CHECK(evaluate(*best.model, data, DataSplit::valid, 2).nll == r.best_valid_nll);
  CHECK(load_trained_model(dir.path).step == r.step);
}

TEST_CASE("a resumed run keeps its best validation and stops where a straight run does", "[trainer][early]") {
  TempDir straight("cadenza_trainer", "early_straight"), resumed("cadenza_trainer", "early_resumed");
  const RunSpec spec = tiny_spec("toy_roll", 60, {{"valid_every", 1}, {"patience", 3}, {"lr", 0.5}});
  const TrainResult a = train(straight.path, spec, false, quiet());
  const std::atomic<bool> stop{true};
  TrainResult b = train(resumed.path, spec, false, quiet(&stop));
  while (b.status == TrainStatus::interrupted) b = train(resumed.path, load_run_spec(resumed.path), true, quiet(&stop));
  CHECK(b.status == TrainStatus::stopped_early);
  CHECK(b.step == a.step);
  CHECK(b.best_step == a.best_step);
  CHECK(b.best_valid_nll == a.best_valid_nll);
}

TEST_CASE("patience is refused for a GAN, whose validation is no likelihood, before anything is written",
          "[trainer][early]") {
  TempDir dir("cadenza_trainer", "early_gan");
  RunSpec spec = make_run_spec("musegan", "small", {{"train", {{"patience", 2}}}});
  CHECK_THROWS_WITH(train(dir.path / "run", spec, false, quiet()), Catch::Contains("not a likelihood"));
  CHECK_FALSE(fs::exists(dir.path / "run"));
}
