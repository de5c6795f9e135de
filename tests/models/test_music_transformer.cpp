// music_transformer: presets, training on a fixed batch, the key/value cache against full
// recomputation, sampling under every option for both tokenizers, checkpoint reload.
#include <fmt/format.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

#include "engine/autograd.h"
#include "models/family.h"
#include "models/registry.h"
#include "models/transformer/music_transformer.h"
#include "music/midi/read_midi.h"
#include "music/midi/write_midi.h"
#include "music/score/midi_convert.h"
#include "ops/ops.h"
#include "optim/checkpoint.h"
#include "tests/models/model_checks.h"

using namespace cadenza;
using namespace cadenza::models;
using Catch::Matchers::Contains;

namespace {

// A model small enough for the quick suite.
MusicTransformerConfig tiny(const std::string& tokenizer = "performance", int64_t max_relative_position = 16) {
  MusicTransformerConfig c;
  c.tokenizer = tokenizer;
  c.layers = 2;
  c.d_model = 32;
  c.heads = 2;
  c.d_ff = 64;
  c.max_relative_position = max_relative_position;
  c.max_length = 64;
  c.dropout = 0.1;
  return c;
}

Tensor random_tokens(int64_t B, int64_t T, int64_t vocab, uint64_t seed) {
  Generator gen(seed);
  return reshape(multinomial(Tensor::ones({B * T, vocab}), 1, &gen), {B, T});
}

// Notes in range, non-negative and ordered times, and a MIDI round trip that keeps them.
void check_valid_score(const music::Score& s) {
  REQUIRE(!s.tracks.empty());
  size_t notes = 0;
  for (const auto& t : s.tracks)
    for (const auto& n : t.notes) {
      CHECK(n.pitch <= 127);
      CHECK(n.velocity >= 1);
      CHECK(n.velocity <= 127);
      CHECK(n.start >= 0);
      CHECK(n.end >= n.start);
      ++notes;
    }
  music::Score back =
      music::score_from_midi(music::midi::read_midi(music::midi::write_midi(music::midi_from_score(s))));
  size_t back_notes = 0;
  for (const auto& t : back.tracks) back_notes += t.notes.size();
  CHECK(back_notes == notes);
}

music::Score primer_score() {
  music::Score s;
  s.ticks_per_quarter = 480;
  music::Track t;
  for (int i = 0; i < 4; ++i)
    t.notes.push_back({.start = 480 * i, .end = 480 * i + 400, .pitch = uint8_t(60 + 2 * i), .velocity = 80});
  s.tracks.push_back(t);
  return s;
}

}  // namespace

TEST_CASE("music_transformer is registered with small and paper presets", "[models][transformer]") {
  auto m = make_model("music_transformer", "small");
  CHECK(m->name() == "music_transformer");
  CHECK(step_unit(*m) == "token");
  CHECK(m->tokenizer() == "performance");
  CHECK(m->config() == find_model("music_transformer").preset("small"));
  nlohmann::json paper = find_model("music_transformer").preset("paper");
  CHECK(paper["layers"] == 6);
  CHECK(paper["d_model"] == 512);
  CHECK(paper["heads"] == 8);
  CHECK(paper["max_length"] == 2048);
  CHECK(make_model("music_transformer", "small", {{"tokenizer", "remi"}})->tokenizer() == "remi");
  CHECK_THROWS_WITH(find_model("music_transformer").preset("huge"), Contains("huge") && Contains("small"));
  CHECK_THROWS_WITH(make_model("music_transformer", "small", {{"layer", 3}}), Contains("unknown config key 'layer'"));
  CHECK_THROWS_WITH(make_model("music_transformer", "small", {{"tokenizer", "melody"}}), Contains("tokenizer"));
  CHECK_THROWS_WITH(make_model("music_transformer", "small", {{"heads", 3}}), Contains("divisible"));
  CHECK_THROWS_WITH(make_model("music_transformer", "small", {{"d_model", "big"}}), Contains("d_model"));
  CHECK_THROWS_WITH(make_model("music_transformer", "small", {{"dropout", 1.0}}), Contains("dropout"));
}

TEST_CASE("music_transformer overfits a tiny fixed batch", "[models][transformer]") {
  Generator init(1);
  MusicTransformerConfig c = tiny();
  c.dropout = 0;
  MusicTransformer m(c, init);
  Tensor tokens = random_tokens(2, 17, m.vocab_size(), 7);
  Batch b{.inputs = narrow(tokens, 1, 0, 16),
          .targets = contiguous(narrow(tokens, 1, 1, 16)),
          .mask = Tensor::ones({2, 16}),
          .condition = {}};
  LossResult first = m.loss(b);
  CHECK(first.loss.item<float>() == Approx(std::log(388.0)).margin(0.5));  // near uniform at init
  models::testing::overfit(m, b, 120, 1e-2);
  LossResult last = m.loss(b);
  INFO("loss " << first.loss.item<float>() << " -> " << last.loss.item<float>());
  CHECK(last.loss.item<float>() < 0.1f);
  CHECK(last.steps == 32);
  CHECK(last.correct == 32);
  CHECK(last.nll_sum == Approx(32 * last.loss.item<double>()));
}

TEST_CASE("music_transformer loss skips padded targets", "[models][transformer]") {
  Generator init(2);
  MusicTransformer m(tiny(), init);
  m.eval();
  Tensor tokens = random_tokens(1, 6, m.vocab_size(), 3);
  Tensor targets = Tensor::from_vector<int64_t>({5, 9, 11, -100, -100}, {1, 5});
  LossResult r = m.loss({.inputs = narrow(tokens, 1, 0, 5), .targets = targets, .mask = {}, .condition = {}});
  CHECK(r.steps == 3);
  // The mean over the three real targets equals the loss of the first three positions alone.
  LossResult head =
      m.loss({.inputs = narrow(tokens, 1, 0, 3), .targets = narrow(targets, 1, 0, 3), .mask = {}, .condition = {}});
  CHECK(r.loss.item<float>() == Approx(head.loss.item<float>()).epsilon(1e-5));
}

TEST_CASE("music_transformer key/value cache logits equal full recomputation", "[models][transformer]") {
  // f32 throughout; the two paths sum in different orders, so they agree to ~1e-6 relative.
  // Relative tables shorter than, equal to and longer than the sequence (12 tokens).
  for (int64_t M : {4, 12, 16}) {
    Generator init(3);
    MusicTransformer m(tiny("performance", M), init);
    m.eval();
    NoGradGuard no_grad;
    Tensor tokens = random_tokens(2, 12, m.vocab_size(), 5);
    Tensor full = m.logits(tokens);
    std::vector<nn::KVCache> caches(2);
    // A 3-token prompt in one call, then one token per call.
    std::vector<Tensor> parts{m.logits_cached(narrow(tokens, 1, 0, 3), caches)};
    for (int64_t t = 3; t < 12; ++t) {
      parts.push_back(m.logits_cached(narrow(tokens, 1, t, 1), caches));
      REQUIRE(parts.back().shape() == Shape({2, 1, m.vocab_size()}));
      REQUIRE(caches[0].length() == t + 1);
    }
    INFO("M = " << M);
    models::testing::check_all_close(full.to_vector<float>(), concat(parts, 1).to_vector<float>(), 1e-4);
  }
}

TEST_CASE("cached sampling feeds one token per step and matches recomputation", "[models][transformer]") {
  Generator init(4);
  MusicTransformer m(tiny(), init);
  SampleOptions o;
  o.length = 20;
  std::vector<int32_t> prompt{371, 60, 300, 188};
  std::vector<int64_t> cached_calls, full_calls;
  Generator g1(9), g2(9);
  auto cached = m.generate(prompt, o, g1, MusicTransformer::Decoding::cached, &cached_calls);
  auto full = m.generate(prompt, o, g2, MusicTransformer::Decoding::recompute, &full_calls);
  CHECK(cached == full);
  REQUIRE(cached.size() == 24);
  CHECK(std::equal(prompt.begin(), prompt.end(), cached.begin()));
  // The prompt once, then 1 token per call; recomputation feeds the growing prefix.
  std::vector<int64_t> ones(19, 1);
  ones.insert(ones.begin(), 4);
  CHECK(cached_calls == ones);
  REQUIRE(full_calls.size() == 20);
  for (size_t i = 0; i < full_calls.size(); ++i) CHECK(full_calls[i] == int64_t(4 + i));
  CHECK(m.is_training());  // sampling restores the mode it found

  SECTION("past max_length the context slides") {
    MusicTransformerConfig c = tiny();
    c.max_length = 8;
    MusicTransformer w(c, init);
    std::vector<int64_t> calls;
    Generator g(1);
    auto long_run = w.generate(prompt, o, g, MusicTransformer::Decoding::recompute, &calls);
    CHECK(long_run.size() == 24);
    for (int64_t n : calls) CHECK(n <= 8);
    calls.clear();
    auto cached_run = w.generate(std::vector<int32_t>(12, 300), o, g, MusicTransformer::Decoding::cached, &calls);
    CHECK(cached_run.size() == 32);
    CHECK(calls.front() == 8);  // a prompt longer than the window is cut to its last 8 tokens
  }
}

TEST_CASE("music_transformer samples valid tokens and scores under every option", "[models][transformer]") {
  for (const std::string tokenizer : {"performance", "remi"}) {
    Generator init(5);
    MusicTransformer m(tiny(tokenizer), init);
    auto tok = music::repr::make_tokenizer(tokenizer);
    std::vector<SampleOptions> options(6);
    options[1].temperature = 0.5;
    options[2].top_k = 5;
    options[3].top_p = 0.9;
    options[4].temperature = 1.5;
    options[4].top_k = 20;
    options[4].top_p = 0.8;
    options[5].primer = primer_score();
    for (size_t i = 0; i < options.size(); ++i) {
      INFO(tokenizer << " options #" << i);
      options[i].length = 40;
      Generator gen(100 + i);
      std::vector<int32_t> prompt =
          options[i].primer ? tok->encode(*options[i].primer) : std::vector<int32_t>{m.start_token()};
      Generator gen_tokens(100 + i);
      auto tokens = m.generate(prompt, options[i], gen_tokens);
      REQUIRE(tokens.size() == prompt.size() + 40);
      for (int32_t t : tokens) {
        CHECK(t >= 0);
        CHECK(t < m.vocab_size());
      }
      check_valid_score(m.sample(options[i], gen));
    }
    // With a primer, the output starts with the primer's notes.
    Generator gen(1);
    SampleOptions with_primer;
    with_primer.primer = primer_score();
    with_primer.length = 5;
    music::Score out = m.sample(with_primer, gen);
    REQUIRE(!out.tracks.empty());
    CHECK(out.tracks[0].notes.size() >= 3);
  }
}

TEST_CASE("music_transformer rejects bad sampling options with one clear error", "[models][transformer]") {
  Generator init(6);
  MusicTransformer m(tiny(), init);
  Generator gen(1);
  auto bad = [&](auto edit, const std::string& word) {
    SampleOptions o;
    edit(o);
    CHECK_THROWS_WITH(m.sample(o, gen), Contains("music_transformer") && Contains(word));
  };
  bad([](SampleOptions& o) { o.length = 0; }, "length");
  bad([](SampleOptions& o) { o.temperature = 0; }, "temperature");
  bad([](SampleOptions& o) { o.temperature = INFINITY; }, "temperature");
  bad([](SampleOptions& o) { o.top_k = -1; }, "top_k");
  bad([](SampleOptions& o) { o.top_p = 0; }, "top_p");
  bad([](SampleOptions& o) { o.top_p = 1.5; }, "top_p");
  bad([](SampleOptions& o) { o.beam = 2; }, "beam");
  bad([](SampleOptions& o) { o.controls = {{"note_density", 3}}; }, "controls");
  SampleOptions o;
  CHECK_THROWS_WITH(m.generate({400}, o, gen), Contains("performance"));
}

TEST_CASE("music_transformer reloaded from a checkpoint gives identical logits", "[models][transformer]") {
  namespace fs = std::filesystem;
  Generator g1(7), g2(8);
  MusicTransformerConfig c = tiny("remi");
  c.tie_embeddings = true;
  MusicTransformer a(c, g1);
  a.eval();
  Tensor tokens = random_tokens(2, 10, a.vocab_size(), 11);
  const fs::path dir = fs::temp_directory_path() / fmt::format("cadenza_mt_{}", ::getpid());
  fs::create_directories(dir);
  optim::save_checkpoint(dir / "model.safetensors", a, nullptr, {}, default_generator(), a.config());
  auto b = find_model("music_transformer").make(optim::load_checkpoint_config(dir / "model.safetensors"));
  optim::load_checkpoint(dir / "model.safetensors", *b, nullptr, g2);
  fs::remove_all(dir);
  b->eval();
  auto* mt = dynamic_cast<MusicTransformer*>(b.get());
  REQUIRE(mt);
  CHECK(mt->config() == a.config());
  CHECK(mt->logits(tokens).to_vector<float>() == a.logits(tokens).to_vector<float>());
  // Tied: no separate output layer in the state dict.
  CHECK(a.state_dict().count("output.weight") == 0);
}
