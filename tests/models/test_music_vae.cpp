// music_vae: loss terms against PyTorch, schedules, overfitting, interpolation endpoints,
// hierarchical shapes, sampling, reload.
#include <catch2/catch.hpp>
#include <cmath>

#include "models/vae/music_vae.h"
#include "models/vae/vae_loss.h"
#include "tests/fixtures/parity.h"
#include "tests/models/model_checks.h"

using namespace cadenza;
using namespace cadenza::models;
using Catch::Matchers::Contains;

namespace {

std::shared_ptr<MusicVae> tiny_vae(nlohmann::json overrides = nlohmann::json::object()) {
  manual_seed(3);
  nlohmann::json o = {{"enc_hidden", 32},
                      {"z_size", 8},
                      {"dec_hidden", 48},
                      {"dec_layers", 1},
                      {"bars", 1},
                      {"steps_per_bar", 8},
                      {"sampling_schedule", "constant"},
                      {"sampling_rate", 0.0},
                      {"max_beta", 0.05},
                      {"beta_rate", 0.0}};
  o.merge_patch(overrides);
  return std::dynamic_pointer_cast<MusicVae>(make_model("music_vae", "small", o));
}

// Two distinct 8-step melodies (tokens of the 38-class melody vocabulary).
Batch two_melodies() {
  std::vector<int64_t> t = {2,  0,  9, 0,  14, 1, 21, 0,  //
                            30, 26, 0, 23, 1,  0, 18, 16};
  Tensor x = Tensor::from_vector<int64_t>(t, {2, 8});
  return {x, x, {}, {}};
}

}  // namespace

TEST_CASE("music_vae loss terms match PyTorch (Magenta's base_model)", "[models][music_vae]") {
  parity::Fixture f("vae_loss");
  Tensor mu = f.get("mu"), sigma = f.get("sigma");
  auto hp = f.get("hparams").to_vector<double>();
  Tensor kl = vae::gaussian_kl(mu, sigma);
  parity::check_close(kl, f.get("kl"), "kl");
  parity::check_close(vae::free_bits_kl(kl, hp[0]), f.get("kl_cost"), "kl_cost");
  Tensor logits = f.get("logits"), targets = f.get("targets");
  Tensor xent = cross_entropy(logits, targets, {.ignore_index = -100, .reduction = Reduction::none});
  parity::check_close(sum(xent, {1}), f.get("r_loss"), "r_loss");
  double beta = vae::kl_beta(hp[1], hp[2], int64_t(hp[3]));
  CHECK(beta == Approx((1 - std::pow(0.9, 7)) * 0.5));
  Tensor total = add(mean(sum(xent, {1})), mul(mean(vae::free_bits_kl(kl, hp[0])), beta));
  parity::check_close(reshape(total, {1}), f.get("loss"), "loss");
}

TEST_CASE("music_vae schedules and slerp follow Magenta", "[models][music_vae]") {
  CHECK(vae::sampling_probability("constant", 0.25, 100) == 0.25);
  CHECK(vae::sampling_probability("exponential", 0.5, 2) == Approx(0.75));
  CHECK(vae::sampling_probability("inverse_sigmoid", 1000, 0) == Approx(1 - 1000.0 / 1001.0));
  CHECK(vae::sampling_probability("inverse_sigmoid", 10, 100000) == Approx(1.0));  // exp overflow -> 1
  CHECK_THROWS_WITH(vae::sampling_probability("linear", 1, 0), Contains("linear"));
  std::vector<float> a{1, 0}, b{0, 1};
  auto mid = vae::slerp(a, b, 0.5);
  CHECK(mid[0] == Approx(std::sqrt(0.5)));
  CHECK(mid[1] == Approx(std::sqrt(0.5)));
  CHECK(vae::slerp(a, b, 0.0) == a);
  CHECK(vae::slerp(a, a, 0.3)[0] == Approx(1.0));  // parallel: linear fallback
}

TEST_CASE("music_vae loss is the reconstruction NLL plus the beta-weighted KL per token", "[models][music_vae]") {
  auto vae = tiny_vae({{"max_beta", 0.5}, {"beta_rate", 0.5}, {"free_bits", 1.0}});
  vae->eval();
  Batch batch = two_melodies();
  LossResult r = vae->loss(batch);
  CHECK(r.steps == 16);
  CHECK(vae->global_step() == 0);  // evaluation does not advance the schedules
  CHECK(vae->beta() == 0.0);       // (1 − 0.5^0) · 0.5
  CHECK(r.loss.item<double>() == Approx(r.nll_sum / 16).epsilon(1e-5));
  vae->train();
  vae->loss(batch);
  vae->loss(batch);
  CHECK(vae->global_step() == 2);
  CHECK(vae->beta() == Approx(0.375));
}

TEST_CASE("music_vae overfits two melodies and interpolation endpoints reconstruct them", "[models][music_vae]") {
  auto vae = tiny_vae({{"sampling_schedule", "constant"}, {"sampling_rate", 0.1}});
  Batch batch = two_melodies();
  vae->train();
  double last = testing::overfit(*vae, batch, 150, 0.01);
  CHECK(last < 0.15);  // nats per token, from ln 38 = 3.6
  auto rec = vae->reconstruct(batch.targets);
  auto t = batch.targets.to_vector<int64_t>();
  std::vector<int32_t> a(t.begin(), t.begin() + 8), b(t.begin() + 8, t.end());
  CHECK(rec[0] == a);
  CHECK(rec[1] == b);
  Generator gen(1);
  auto path = vae->interpolate(a, b, 5, 0.0, gen);
  REQUIRE(path.size() == 5);
  CHECK(path.front() == a);
  CHECK(path.back() == b);
  // Through scores (what `cadenza interpolate` calls): a score's tokens are its segment.
  auto tok = music::repr::make_tokenizer("melody");
  CHECK(vae->segment_tokens(tok->decode(a)) == a);
  music::Score s = vae->interpolate(tok->decode(a), tok->decode(b), 3, 0.0, gen);
  CHECK(!s.tracks.empty());
}

TEST_CASE("music_vae hierarchical decoder: per-bar conductor, shapes, sampling, reload", "[models][music_vae]") {
  manual_seed(4);
  auto model = make_model("music_vae", "hierdec_small",
                          {{"enc_hidden", 16},
                           {"z_size", 8},
                           {"dec_hidden", 16},
                           {"conductor_hidden", 12},
                           {"bars", 3},
                           {"steps_per_bar", 4},
                           {"sampling_rate", 0.5},
                           {"sampling_schedule", "constant"}});
  auto* vae = dynamic_cast<MusicVae*>(model.get());
  REQUIRE(vae);
  CHECK(vae->segment_length() == 12);
  std::vector<int64_t> t(24);
  for (size_t i = 0; i < t.size(); ++i) t[i] = int64_t((i * 7) % 38);
  Tensor x = Tensor::from_vector<int64_t>(t, {2, 12});
  Batch batch{x, x, {}, {}};
  model->train();
  LossResult r = model->loss(batch);  // scheduled sampling path
  CHECK(std::isfinite(r.loss.item<double>()));
  model->eval();
  CHECK(model->forward(batch).shape() == Shape{2, 12, 38});
  CHECK_THROWS_WITH(model->forward(Batch{narrow(x, 1, 0, 10), narrow(x, 1, 0, 10), {}, {}}), Contains("steps_per_bar"));
  Generator gen(9);
  auto seqs = vae->decode(randn({3, 8}), 10, 1.0, gen);
  REQUIRE(seqs.size() == 3);
  for (const auto& s : seqs) {
    CHECK(s.size() == 10);
    for (int32_t tok : s) CHECK((tok >= 0 && tok < 38));
  }
  SampleOptions o;
  o.length = 12;
  music::Score score = model->sample(o, gen);
  CHECK(score.tracks.size() == 1);
  o.beam = 2;
  CHECK_THROWS_WITH(model->sample(o, gen), Contains("beam"));
  testing::check_reload_same_logits(*model, batch);
}

TEST_CASE("music_vae presets and config errors", "[models][music_vae]") {
  auto paper = find_model("music_vae").preset("paper");
  CHECK(paper["enc_hidden"] == 2048);
  CHECK(paper["dec_layers"] == 3);
  CHECK(paper["z_size"] == 512);
  auto hier = find_model("music_vae").preset("hierdec_16bar");
  CHECK(hier["bars"] == 16);
  CHECK(hier["free_bits"] == 256);
  CHECK_THROWS_WITH(find_model("music_vae").preset("huge"), Contains("hierdec_16bar"));
  CHECK_THROWS_WITH(make_model("music_vae", "small", {{"sampling_schedule", "cosine"}}), Contains("cosine"));
  CHECK_THROWS_WITH(make_model("music_vae", "small", {{"tokenizer", "remi"}}), Contains("remi"));
}
