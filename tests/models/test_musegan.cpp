// musegan: WGAN-GP penalty and its second-order gradient against PyTorch, latent shapes per
// mode, critic-step training on a tiny batch, sampling to a 5-track score.
#include <catch2/catch.hpp>

#include <filesystem>
#include "nn/conv.h"
#include "nn/linear.h"

#include "engine/serialize/safetensors.h"
#include "models/data_parallel.h"
#include "models/family.h"
#include "models/gan/gan_step.h"
#include "models/gan/musegan_data.h"
#include "models/gan/musegan_eval.h"
#include "models/gan/wgan_gp.h"
#include "models/run_dir.h"
#include "models/train.h"
#include "tests/fixtures/parity.h"
#include "tests/models/cli_checks.h"
#include "tests/models/freedoom_data.h"
#include "tests/models/model_checks.h"
#include "tests/support/test_data.h"

using namespace cadenza;
using namespace cadenza::models;
using Catch::Matchers::Contains;

namespace {

struct TinyCritic : nn::Module {
  TinyCritic() {
    conv =
        register_module("conv", std::make_shared<nn::Conv3d>(2, 3, Shape{1, 2, 2}, ConvOptions{.stride = {1, 2, 2}}));
    fc = register_module("fc", std::make_shared<nn::Linear>(24, 1));
  }
  Tensor operator()(const Tensor& x) const {
    return squeeze(fc->forward(flatten(leaky_relu(conv->forward(x), 0.2), 1)), 1);
  }
  std::shared_ptr<nn::Conv3d> conv;
  std::shared_ptr<nn::Linear> fc;
};

bool floats_equal(const Tensor& a, const Tensor& b) { return a.to_vector<float>() == b.to_vector<float>(); }

std::shared_ptr<MuseGan> tiny_gan(const std::string& mode) {
  manual_seed(2);
  auto m = make_model("musegan", "small",
                      {{"mode", mode},
                       {"tracks", 5},
                       {"bars", 2},
                       {"steps", 16},
                       {"pitches", 12},
                       {"z_dim", 4},
                       {"g_channels", 8},
                       {"d_channels", 4},
                       {"temporal_hidden", 8},
                       {"critic_steps", 2}});
  return std::dynamic_pointer_cast<MuseGan>(m);
}

}  // namespace

TEST_CASE("WGAN-GP penalty and its gradient wrt the critic match PyTorch", "[models][musegan]") {
  parity::Fixture f("wgan_gp");
  TinyCritic critic;
  critic.load_state_dict(f.with_prefix("param"));
  auto d = [&](const Tensor& x) { return critic(x); };
  Tensor gp = gan::gradient_penalty(d, f.get("real"), f.get("fake"), f.get("eps"));
  parity::check_close(reshape(gp, {1}), f.get("gp"), "gp", 1e-4);
  backward(gp);
  for (const auto& [name, p] : critic.named_parameters()) {
    Tensor g = p.grad().defined() ? p.grad() : Tensor::zeros(p.shape());
    parity::check_close(g, f.get("grad." + name), "grad." + name, 1e-4);
  }
}

TEST_CASE("musegan modes give the paper's latent layout", "[models][musegan]") {
  for (auto [mode, gens, width] :
       {std::tuple{"jamming", 5, 8}, std::tuple{"composer", 1, 8}, std::tuple{"hybrid", 5, 16}}) {
    auto gan = tiny_gan(mode);
    auto lat = gan->bar_latents(gan->noise(3));
    REQUIRE(int(lat.size()) == gens);
    for (const Tensor& l : lat) CHECK(l.shape() == Shape{3, 2, width});
    Tensor bars = gan->generate(gan->noise(3));
    CHECK(bars.shape() == Shape{3, 5, 2, 16, 12});
    CHECK(gan->critic(bars).shape() == Shape{3});
  }
  CHECK_THROWS_WITH(make_model("musegan", "small", {{"mode", "solo"}}), Contains("solo"));
}

TEST_CASE("musegan trains with 5 critic steps per generator step and samples a 5-track score", "[models][musegan]") {
  auto gan = tiny_gan("hybrid");
  // A fixed "real" batch: a repeated chord in the piano track.
  std::vector<float> r(size_t(4 * 5 * 2 * 16 * 12), 0.f);
  for (int b = 0; b < 4; ++b)
    for (int t = 0; t < 32; ++t)
      for (int p : {0, 4, 7}) r[size_t((((b * 5 + 1) * 2 + t / 16) * 16 + t % 16) * 12 + p)] = 1.f;
  Tensor real = Tensor::from_vector<float>(r, {4, 5, 2, 16, 12});
  TrainOptions o;
  o.lr = 0.002, o.beta1 = 0.5, o.beta2 = 0.9;
  Generator gen(5);
  GanStep step(*gan, o, &gen);
  DataParallel solo(nullptr, *gan, 4);
  const Batch batch{real, {}, {}, {}};
  int64_t batches = 0;
  auto next = [&] { return ++batches, batch; };
  TrainStep::Result res = step.run(next, o.lr, solo, false);
  CHECK(batches == 2);  // critic_steps real batches per step
  CHECK(res.steps == 8);
  CHECK(res.loss == step.last().critic);
  const GanStep::Losses first = step.last();
  for (int i = 0; i < 40; ++i) res = step.run(next, o.lr, solo, false);
  REQUIRE(res.diverged.empty());
  const GanStep::Losses last = step.last();
  // The critic learns to separate real from generated bars: its Wasserstein estimate
  // (−critic loss, penalty included) grows from about 0.
  CHECK(-last.critic > -first.critic + 0.5);
  CHECK(step.optimizers().size() == 2);
  LossResult lr = gan->loss(Batch{real, {}, {}, {}});
  CHECK(std::isfinite(lr.loss.item<double>()));
  music::Score s = gan->sample({}, gen);
  REQUIRE(s.tracks.size() == 5);
  CHECK(s.tracks[0].is_drum);
  CHECK(s.tracks[0].name == "Drums");
  CHECK(s.tracks[3].program == 32);
}

TEST_CASE("musegan dataset builder: freedoom MIDI to [N, 5, 4, 48, 84] bars", "[models][musegan]") {
  namespace fs = std::filesystem;
  const fs::path src = cadenza::test::test_data("freedoom");
  fs::path dir = fs::temp_directory_path() / "cadenza_musegan_data_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* f : {"d_e1m1.mid", "d_e1m4.mid", "d_map07.mid"}) fs::copy_file(src / f, dir / f);
  Tensor x = build_musegan_dataset(dir);
  REQUIRE(x.dim() == 5);
  CHECK(x.size(0) > 3);
  CHECK(x.shape() == Shape{x.size(0), 5, 4, 48, 84});
  // Several of the five tracks hold notes somewhere (Doom's music is multi-instrument).
  Tensor per_track = sum(x, {0, 2, 3, 4});
  int nonempty = 0;
  for (float v : per_track.to_vector<float>()) nonempty += v > 0;
  CHECK(nonempty >= 3);
  CHECK(build_musegan_dataset(dir, {.max_phrases = 2}).size(0) == 2);
  fs::remove_all(dir);
  CHECK_THROWS_WITH(build_musegan_dataset(dir), Contains("not a folder"));
}

namespace {

RunSpec tiny_musegan_run(const std::filesystem::path& data, int64_t steps) {
  RunSpec spec = make_run_spec(
      "musegan", "small",
      {{"config", {{"z_dim", 4}, {"g_channels", 8}, {"d_channels", 4}, {"temporal_hidden", 8}, {"critic_steps", 2}}},
       {"data", {{"batch_size", 2}}},
       {"train", {{"steps", steps}, {"valid_batches", 1}, {"log_every", 1}}}});
  spec.data.path = data;
  return spec;
}

TrainHooks silent(const std::atomic<bool>* stop = nullptr) { return {stop, nullptr}; }

}  // namespace

TEST_CASE("musegan trains through the trainer's TrainStep, stopped and resumed it ends bit-identical",
          "[models][musegan]") {
  namespace fs = std::filesystem;
  cadenza::test::TempDir tmp("cadenza_musegan_train", "run");
  testing::copy_freedoom_files(tmp.path / "data", 2);
  const RunSpec spec = tiny_musegan_run(tmp.path / "data", 3);
  REQUIRE(train(tmp.path / "straight", spec, false, silent()).status == TrainStatus::finished);

  const std::atomic<bool> stop{true};  // every call takes one step, saves and returns
  TrainResult r = train(tmp.path / "resumed", spec, false, silent(&stop));
  while (r.status == TrainStatus::interrupted)
    r = train(tmp.path / "resumed", load_run_spec(tmp.path / "resumed"), true, silent(&stop));
  REQUIRE(r.status == TrainStatus::finished);
  CHECK(r.step == 3);
  CHECK(std::isfinite(r.valid_nll));  // minus the critic's Wasserstein estimate on valid phrases

  // Both optimisers are in the checkpoint, and every tensor ends the same.
  const auto a = serialize::load_safetensors(checkpoint_path(tmp.path / "straight"));
  const auto b = serialize::load_safetensors(checkpoint_path(tmp.path / "resumed"));
  CHECK(a.tensors.count("optim.generator.step"));
  CHECK(a.tensors.count("optim.critic.step"));
  CHECK(a.tensors.at("optim.critic.step").to_vector<int64_t>()[0] == 6);  // 2 critic updates per step
  CHECK(a.tensors.at("optim.generator.step").to_vector<int64_t>()[0] == 3);
  REQUIRE(a.tensors.size() == b.tensors.size());
  for (const auto& [name, t] : a.tensors) {
    INFO(name);
    CHECK(contiguous(to_dtype(t, DType::f64)).to_vector<double>() ==
          contiguous(to_dtype(b.tensors.at(name), DType::f64)).to_vector<double>());
  }
}

TEST_CASE("musegan data: folder splits, sparse phrases, no default corpus", "[models][musegan]") {
  cadenza::test::TempDir tmp("cadenza_musegan_data", "split");
  testing::copy_freedoom_files(tmp.path, 2);
  const RunSpec spec = tiny_musegan_run(tmp.path, 1);
  auto model = find_model("musegan").make(spec.config);
  CHECK(step_unit(*model) == "example");
  Dataset data(*model, spec.data);
  const Batch b = data.next_train_batch();
  CHECK(b.inputs.shape() == Shape{2, 5, 4, 48, 84});
  for (float v : b.inputs.to_vector<float>()) REQUIRE((v == 0.f || v == 1.f));
  CHECK(data.has_split(DataSplit::valid));
  int64_t phrases = 0;
  data.for_each_eval_batch(DataSplit::valid, [&](const Batch& e) { phrases += e.inputs.size(0); });
  CHECK(phrases > 0);
  // The dense tensor of the whole folder holds the same phrases as the sparse splits.
  const Tensor all = build_musegan_dataset(tmp.path);
  int64_t train_phrases = 0;
  data.seek(0);
  CHECK(floats_equal(data.next_train_batch().inputs, b.inputs));  // batch p depends on p only
  data.for_each_eval_batch(DataSplit::train, [&](const Batch& e) { train_phrases += e.inputs.size(0); });
  CHECK(train_phrases + phrases == all.size(0));
  CHECK_THROWS_WITH(default_corpus_path(*model), Contains("--data"));
  DataOptions bad = spec.data;
  bad.max_transpose = 2;
  CHECK_THROWS_WITH(Dataset(*model, bad), Contains("transposed"));
}

TEST_CASE("musegan metrics pool phrases laid back to back, split notes at phrase starts", "[models][musegan]") {
  MuseGanConfig c;
  c.bars = 2;
  // Two phrases; the piano (track 1) holds pitch C4 (60, index 36) over the whole of
  // phrase 0 and the first step of phrase 1: two notes, not one; guitar (track 2) is
  // empty; bass (track 3) doubles the piano an octave down in phrase 0 only.
  std::vector<float> v(size_t(2 * 5 * 2 * 48 * 84), 0.f);
  auto at = [&](int n, int m, int t, int p) -> float& {
    return v[size_t((((n * 5 + m) * 2 + t / 48) * 48 + t % 48) * 84 + p)];
  };
  for (int t = 0; t < 96; ++t) at(0, 1, t, 36) = at(0, 3, t, 24) = 1.f;
  at(1, 1, 0, 36) = 1.f;
  for (int t = 0; t < 96; t += 12) at(0, 0, t, 12) = 1.f;  // a drum hit on every beat of phrase 0
  const Tensor bars = Tensor::from_vector<float>(v, {2, 5, 2, 48, 84});
  const MuseGanMetrics m = musegan_metrics(bars, c);
  REQUIRE(m.tracks.size() == 5);
  CHECK(m.tracks[0] == "Drums");
  CHECK(m.empty_bars[0] == Approx(0.5));   // 2 of 4 bars
  CHECK(m.empty_bars[1] == Approx(0.25));  // phrase 1's second bar
  CHECK(m.empty_bars[2] == Approx(1.0));
  CHECK(m.used_pitch_classes[1] == Approx(1.0));
  CHECK(std::isnan(m.used_pitch_classes[0]));
  CHECK(std::isnan(m.used_pitch_classes[2]));     // the silent guitar: undefined, not 0
  CHECK(std::isnan(m.tonal_distance[0].second));  // Piano-Guitar
  // Piano: a 96-step note and a 1-step note (shorter than a 32nd, 2 steps): 1 of 2.
  CHECK(m.qualified_notes[1] == Approx(0.5));
  CHECK(m.drum_pattern == Approx(1.0));   // every onset on the 16th grid
  REQUIRE(m.tonal_distance.size() == 6);  // pairs of the 4 pitched tracks
  CHECK(m.tonal_distance[1].first == "Piano-Bass");
  CHECK(m.tonal_distance[1].second == Approx(0.0).margin(1e-9));  // octaves share a chroma
  const std::string table = musegan_metrics_table(m, m);
  CHECK_THAT(table, Contains("EB  empty bars") && Contains("TD  tonal distance") && Contains("Piano-Bass"));
  CHECK_THAT(table, Contains("Piano-Guitar              -          -"));
  CHECK_THAT(table, !Contains("UPC used pitch classes     Drums"));
}
