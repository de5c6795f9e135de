// musegan: WGAN-GP penalty and its second-order gradient against PyTorch, latent shapes per
// mode, critic-step training on a tiny batch, sampling to a 5-track score.
#include <catch2/catch.hpp>

#include "engine/nn/conv.h"
#include "engine/nn/linear.h"
#include <filesystem>

#include "models/gan/gan_step.h"
#include "models/gan/musegan_data.h"
#include "models/gan/wgan_gp.h"
#include "tests/fixtures/parity.h"
#include "tests/models/model_checks.h"

using namespace cadenza;
using namespace cadenza::models;
using Catch::Matchers::Contains;

namespace {

struct TinyCritic : nn::Module {
  TinyCritic() {
    conv = register_module("conv", std::make_shared<nn::Conv3d>(2, 3, Shape{1, 2, 2}, ConvOptions{.stride = {1, 2, 2}}));
    fc = register_module("fc", std::make_shared<nn::Linear>(24, 1));
  }
  Tensor operator()(const Tensor& x) const { return squeeze(fc->forward(flatten(leaky_relu(conv->forward(x), 0.2), 1)), 1); }
  std::shared_ptr<nn::Conv3d> conv;
  std::shared_ptr<nn::Linear> fc;
};

std::shared_ptr<MuseGan> tiny_gan(const std::string& mode) {
  manual_seed(2);
  auto m = make_model("musegan", "small",
                      {{"mode", mode}, {"tracks", 5}, {"bars", 2}, {"steps", 16}, {"pitches", 12}, {"z_dim", 4},
                       {"g_channels", 8}, {"d_channels", 4}, {"temporal_hidden", 8}, {"critic_steps", 2}});
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
  for (auto [mode, gens, width] : {std::tuple{"jamming", 5, 8}, std::tuple{"composer", 1, 8}, std::tuple{"hybrid", 5, 16}}) {
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
  GanStep step(*gan, 0.002);
  Generator gen(5);
  GanStep::Losses first = step.step([&] { return real; }, &gen), last;
  for (int i = 0; i < 40; ++i) last = step.step([&] { return real; }, &gen);
  // The critic learns to separate real from generated bars: its Wasserstein estimate
  // (−critic loss, penalty included) grows from about 0.
  CHECK(-last.critic > -first.critic + 0.5);
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
  fs::path src = fs::path(CADENZA_SOURCE_DIR) / "../shared/data/freedoom_music";
  if (!fs::is_directory(src)) src = "/work/shared/data/freedoom_music";
  fs::path dir = fs::temp_directory_path() / "cadenza_musegan_data_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* f : {"d_dm01.mid", "d_dm02.mid", "d_bunny.mid"}) fs::copy_file(src / f, dir / f);
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
