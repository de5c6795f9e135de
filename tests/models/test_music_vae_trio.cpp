// music_vae's trio setting (melody, bass, drums; Magenta's hierdec-trio_16bar): the split
// loss against PyTorch and against three plain cross-entropies, overfitting and
// reconstruction, decoders per track, presets, the trio data source and its errors.
#include <catch2/catch.hpp>

#include "models/data.h"
#include "models/family.h"
#include "models/vae/music_vae.h"
#include "models/vae/vae_eval.h"
#include "models/vae/vae_loss.h"
#include "music/repr/trio.h"
#include "tests/fixtures/parity.h"
#include "tests/models/cli_checks.h"
#include "tests/models/freedoom_data.h"
#include "tests/models/model_checks.h"
#include "tests/support/test_data.h"

using namespace cadenza;
using namespace cadenza::models;
using Catch::Matchers::Contains;
namespace repr = cadenza::music::repr;

namespace {

// A hierarchical trio VAE of 2 bars of 8 steps.
std::shared_ptr<MusicVae> tiny_trio(nlohmann::json overrides = nlohmann::json::object()) {
  manual_seed(5);
  nlohmann::json o = {{"enc_hidden", 32},       {"z_size", 8},      {"dec_hidden", 48},
                      {"conductor_hidden", 32}, {"bars", 2},        {"steps_per_bar", 8},
                      {"max_beta", 0.05},       {"beta_rate", 0.0}, {"free_bits", 0}};
  o.merge_patch(overrides);
  return std::dynamic_pointer_cast<MusicVae>(make_model("music_vae", "hierdec_trio_small", o));
}

// Two distinct 16-step trios as packed tokens (music/repr/trio.h).
Batch two_trios() {
  const repr::TrioTokenizer tok;
  const std::vector<int32_t> melody[2] = {{2, 0, 9, 0, 14, 1, 21, 0, 30, 0, 0, 23, 1, 0, 18, 16},
                                          {26, 0, 0, 23, 1, 0, 18, 16, 2, 0, 9, 0, 14, 1, 21, 0}};
  const std::vector<int32_t> bass[2] = {{5, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 1, 0, 7, 0},
                                        {12, 0, 1, 0, 12, 0, 1, 0, 3, 0, 0, 0, 0, 0, 0, 1}};
  const std::vector<int32_t> drums[2] = {{1, 0, 4, 0, 2, 0, 4, 0, 1, 0, 4, 0, 2, 0, 4, 4},
                                         {257, 0, 0, 0, 2, 0, 0, 0, 1, 0, 1, 0, 2, 0, 0, 136}};
  std::vector<int64_t> t;
  for (int b = 0; b < 2; ++b)
    for (int32_t x : tok.pack({melody[b], bass[b], drums[b]})) t.push_back(x);
  Tensor x = Tensor::from_vector<int64_t>(t, {2, 16});
  return {x, x, {}, {}};
}

}  // namespace

TEST_CASE("music_vae trio: split cross-entropy matches PyTorch (SplitMultiOutLstmDecoder)",
          "[models][music_vae][trio]") {
  parity::Fixture f("vae_trio_loss");
  std::vector<int64_t> sizes;
  for (double s : f.get("sizes").to_vector<double>()) sizes.push_back(int64_t(s));
  std::vector<Tensor> targets;
  for (size_t k = 0; k < sizes.size(); ++k) targets.push_back(f.get("targets" + std::to_string(k)));
  const std::vector<Tensor> xent = vae::split_cross_entropy(f.get("logits"), targets, sizes);
  REQUIRE(xent.size() == 3);
  Tensor total = sum(xent[0], {1});
  for (size_t k = 0; k < 3; ++k) {
    parity::check_close(xent[k], f.get("xent" + std::to_string(k)), "xent" + std::to_string(k));
    if (k > 0) total = add(total, sum(xent[k], {1}));
  }
  parity::check_close(total, f.get("r_loss"), "r_loss");
  CHECK_THROWS_WITH(vae::split_cross_entropy(f.get("logits"), targets, {3, 4}), Contains("split_cross_entropy"));
}

TEST_CASE("music_vae trio: the step NLL is the sum of three plain cross-entropies", "[models][music_vae][trio]") {
  auto vae = tiny_trio();
  CHECK(step_unit(*vae) == "trio-step");
  REQUIRE(vae->parts().size() == 3);
  CHECK(vae->parts()[2].name == "drums");
  CHECK(vae->parts()[2].classes == 512);
  vae->eval();
  const Batch batch = two_trios();
  NoGradGuard ng;
  const Tensor logits = vae->forward(batch);  // z = mu in evaluation: deterministic
  REQUIRE(logits.shape() == Shape{2, 16, 38 + 38 + 512});
  const MusicVae::Terms terms = vae->loss_terms(batch);
  // Each part's targets by hand, from the tokenizer's unpacking.
  const repr::TrioTokenizer tok;
  const auto tokens = batch.targets.to_vector<int64_t>();
  const repr::TrioParts parts = tok.unpack(std::vector<int32_t>(tokens.begin(), tokens.end()));
  const std::vector<int32_t>* by_part[3] = {&parts.melody, &parts.bass, &parts.drums};
  int64_t offset = 0;
  double total = 0, correct = 0;
  for (size_t k = 0; k < 3; ++k) {
    const int64_t n = vae->parts()[k].classes;
    const Tensor target =
        Tensor::from_vector<int64_t>(std::vector<int64_t>(by_part[k]->begin(), by_part[k]->end()), {2, 16});
    const Tensor part_logits = contiguous(narrow(logits, 2, offset, n));
    const double xent = cross_entropy(part_logits, target, {.reduction = Reduction::sum}).item<double>();
    INFO("part " << vae->parts()[k].name);
    CHECK(terms.part_nll[k] == Approx(xent).epsilon(1e-5));
    const double hits = sum(to_dtype(eq(argmax(part_logits, -1), target), DType::f32)).item<double>();
    CHECK(terms.part_correct[k] == hits);
    total += xent, correct += hits, offset += n;
  }
  CHECK(terms.result.steps == 32);
  CHECK(terms.result.nll_sum == Approx(total).epsilon(1e-5));
  CHECK(terms.result.correct == Approx(correct / 3));                           // accuracy: the parts' mean
  CHECK(terms.result.loss.item<double>() == Approx(total / 32).epsilon(1e-5));  // beta 0 at step 0
  CHECK(vae->loss(batch).nll_sum == Approx(total).epsilon(1e-5));
}

TEST_CASE("music_vae trio: overfits two trios and reconstructs every track", "[models][music_vae][trio]") {
  auto vae = tiny_trio();
  const Batch batch = two_trios();
  vae->train();
  const double last = testing::overfit(*vae, batch, 400, 0.01);
  CHECK(last < 0.15);  // nats per trio step, from ln 38 + ln 38 + ln 512 = 13.5
  const auto rec = vae->reconstruct(batch.targets);
  const auto t = batch.targets.to_vector<int64_t>();
  std::vector<int32_t> a(t.begin(), t.begin() + 16), b(t.begin() + 16, t.end());
  CHECK(rec[0] == a);
  CHECK(rec[1] == b);
  Generator gen(1);
  const auto path = vae->interpolate(a, b, 3, 0.0, gen);
  REQUIRE(path.size() == 3);
  CHECK(path.front() == a);
  CHECK(path.back() == b);
  // As scores: the interpolation has the three tracks, each segment closed.
  const repr::TrioTokenizer tok;
  CHECK(vae->segment_tokens(tok.decode(a)) == a);
  const music::Score s = vae->interpolate(tok.decode(a), tok.decode(b), 3, 0.0, gen);
  REQUIRE(s.tracks.size() == 3);
  CHECK(s.tracks[2].is_drum);
}

TEST_CASE("music_vae trio: one decoder per track, sampling three tracks, reload, presets",
          "[models][music_vae][trio]") {
  auto vae = tiny_trio();
  const auto state = vae->state_dict();
  for (const char* name :
       {"decoder_melody.output.weight", "decoder_bass.output.weight", "decoder_drums.output.weight"}) {
    INFO(name);
    CHECK(state.count(name) == 1);
  }
  CHECK(state.at("decoder_drums.output.weight").shape() == Shape{512, 48});
  CHECK(state.at("encoder.weight_ih_l0").size(1) == 588);  // the three one-hots side by side
  Generator gen(3);
  SampleOptions o;
  o.length = 16;
  const music::Score score = vae->sample(o, gen);
  REQUIRE(score.tracks.size() == 3);
  CHECK(score.tracks[1].program == repr::kTrioBassProgram);
  CHECK(score.tracks[2].is_drum);
  testing::check_reload_same_logits(*vae, two_trios());

  const auto hier = find_model("music_vae").preset("hierdec_trio_16bar");
  CHECK(hier["tokenizer"] == "trio");
  CHECK(hier["enc_hidden"] == 2048);
  CHECK(hier["enc_layers"] == 2);
  CHECK(hier["z_size"] == 512);
  CHECK(hier["dec_hidden"] == 1024);
  CHECK(hier["dec_layers"] == 2);
  CHECK(hier["conductor_hidden"] == 1024);
  CHECK(hier["conductor_layers"] == 2);
  CHECK(hier["free_bits"] == 256);
  CHECK(hier["max_beta"] == 0.2);
  CHECK(hier["autoregressive"] == false);
  CHECK(hier["train"]["length"] == 256);
  CHECK_THROWS_WITH(make_model("music_vae", "small", {{"tokenizer", "drums"}}), Contains("melody, trio"));
}

TEST_CASE("music_vae trio data: 16-bar windows from multitrack MIDI, one-line errors", "[models][music_vae][trio]") {
  cadenza::test::TempDir dir("cadenza_trio_data", "data");
  testing::copy_freedoom_files(dir.path / "midi", 2, testing::kFreedoomTrioFiles);
  auto vae = tiny_trio({{"bars", 16}, {"steps_per_bar", 16}});
  DataOptions o{.path = dir.path / "midi", .batch_size = 3, .length = 256, .steps_per_quarter = 4};
  Dataset data(*vae, o);
  const Batch b = data.next_train_batch();
  CHECK(b.targets.shape() == Shape{3, 256});
  CHECK(b.inputs.to_vector<int64_t>() == b.targets.to_vector<int64_t>());
  CHECK(sum(b.mask).item<double>() == 3 * 256);
  // Evaluation windows do not overlap: each step of the split once.
  int64_t rows = 0;
  data.for_each_eval_batch(DataSplit::valid, [&](const Batch& e) { rows += e.targets.size(0); });
  CHECK(rows > 0);
  const VaeEvalResult r = evaluate_vae(*vae, data, DataSplit::valid, 1);
  REQUIRE(r.parts.size() == 3);
  CHECK(r.parts[1].name == "bass");
  CHECK(r.kl >= 0);
  CHECK(r.accuracy == Approx((r.parts[0].accuracy + r.parts[1].accuracy + r.parts[2].accuracy) / 3));
  CHECK(r.nll == Approx(r.parts[0].nll + r.parts[1].nll + r.parts[2].nll));

  CHECK_THROWS_WITH(Dataset(*vae, DataOptions{.path = dir.path / "midi", .length = 250, .steps_per_quarter = 4}),
                    Contains("whole 4/4 bars"));
  // Transposed training windows: the same windows, their melody and bass moved by one
  // shift per window within +-2 semitones, the drums untouched; evaluation is not moved.
  Dataset moved(
      *vae, DataOptions{
                .path = dir.path / "midi", .batch_size = 3, .length = 256, .steps_per_quarter = 4, .max_transpose = 2});
  const Batch m = moved.next_train_batch();
  const repr::TrioTokenizer tok;
  const auto plain_tokens = b.targets.to_vector<int64_t>(), moved_tokens = m.targets.to_vector<int64_t>();
  CHECK(m.inputs.to_vector<int64_t>() == moved_tokens);
  int shifted_rows = 0;
  for (size_t row = 0; row < 3; ++row) {
    const std::vector<int32_t> p(plain_tokens.begin() + long(row * 256), plain_tokens.begin() + long(row * 256 + 256));
    const std::vector<int32_t> q(moved_tokens.begin() + long(row * 256), moved_tokens.begin() + long(row * 256 + 256));
    CHECK(tok.unpack(p).drums == tok.unpack(q).drums);
    int matching = 0;
    for (int shift = -2; shift <= 2; ++shift) matching += tok.transposed(p, shift) == q;
    CHECK(matching >= 1);
    shifted_rows += p != q;
  }
  CHECK(shifted_rows >= 1);
  int64_t moved_rows = 0;
  moved.for_each_eval_batch(DataSplit::valid, [&](const Batch& e) { moved_rows += e.targets.size(0); });
  CHECK(moved_rows == rows);
  // A folder whose files lack a part: no window.
  std::filesystem::create_directories(dir.path / "no_trio");
  std::filesystem::copy_file(cadenza::test::test_data("freedoom") / "d_dm11.mid", dir.path / "no_trio" / "d_dm11.mid");
  CHECK_THROWS_WITH(Dataset(*vae, DataOptions{.path = dir.path / "no_trio", .length = 256, .steps_per_quarter = 4}),
                    Contains("no trio window"));
  CHECK_THROWS_WITH(default_corpus_path(*vae), Contains("--data"));
}
