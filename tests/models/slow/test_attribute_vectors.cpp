// MusicVAE attribute vectors on a trained model: a small music_vae learns two-bar melodies
// that differ in note density, range and syncopation; the note-density vector computed
// from its training segments then moves held-out melodies in the asked direction. Takes
// a few minutes.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

#include "models/run_dir.h"
#include "models/train.h"
#include "models/vae/attribute_vectors.h"
#include "models/vae/music_vae.h"
#include "music/score/midi_convert.h"
#include "ops/ops.h"
#include "tests/models/cli_checks.h"

using namespace cadenza;
using namespace cadenza::models;
namespace fs = std::filesystem;

namespace {

// Eight two-bar phrases (16th grid, tpq 4 -> 1 tick per step), each with its own note
// spacing (1, 2, 4 or 8 steps), offset from the beat (0 or 1 step) and pitch span.
music::Score synthetic_melody(std::mt19937& rng) {
  music::Score s;
  s.ticks_per_quarter = 4;
  music::Track t;
  std::uniform_int_distribution<int> gap_pick(0, 3), offset_pick(0, 1), span_pick(2, 14), pitch_pick(0, 100);
  for (int phrase = 0; phrase < 8; ++phrase) {
    const int64_t base = phrase * 32, gap = int64_t(1) << gap_pick(rng), offset = gap > 1 ? offset_pick(rng) : 0;
    const int span = span_pick(rng);
    for (int64_t at = offset; at < 32; at += gap) {
      const int pitch = 62 + pitch_pick(rng) % (span + 1);
      t.notes.push_back({base + at, base + std::min<int64_t>(at + gap, 32), uint8_t(pitch), 90});
    }
  }
  s.tracks.push_back(t);
  return s;
}

}  // namespace

TEST_CASE("music_vae attribute vectors move held-out melodies in the asked direction", "[attributes][slow]") {
  cadenza::test::TempDir tmp("cadenza_attr", "vae");
  const fs::path corpus = tmp.path / "midi";
  fs::create_directories(corpus);
  std::mt19937 rng(5);
  for (int i = 0; i < 60; ++i) music::save_midi(synthetic_melody(rng), corpus / fmt::format("m{:02}.mid", i));

  RunSpec spec;
  spec.model = "music_vae";
  spec.config = {{"enc_hidden", 64}, {"z_size", 16},    {"dec_hidden", 96},  {"dec_layers", 1},
                 {"bars", 2},        {"max_beta", 0.2}, {"beta_rate", 0.99}, {"free_bits", 0}};
  spec.data.path = corpus;
  spec.data.batch_size = 32;
  spec.data.length = 32;
  spec.train.steps = 400;
  spec.train.lr = 3e-3;
  spec.train.warmup = 20;
  spec.train.valid_every = 0;
  spec.train.valid_batches = 2;
  spec.train.checkpoint_every = 1000;
  spec.train.log_every = 50;
  REQUIRE(train(tmp.path / "run", spec, false, {nullptr, nullptr}).status == TrainStatus::finished);
  TrainedModel trained = load_trained_model(tmp.path / "run");
  auto& vae = dynamic_cast<MusicVae&>(*trained.model);

  const auto train_segments = corpus_segments(vae, trained.spec.data, DataSplit::train, 0);
  const auto held_out = corpus_segments(vae, trained.spec.data, DataSplit::test, 64);
  REQUIRE(train_segments.size() >= 100);
  REQUIRE(held_out.size() >= 16);
  const std::vector<std::string> names = {"note_density", "pitch_range", "syncopation"};
  const AttributeVectors vectors = compute_attribute_vectors(vae, train_segments, names);

  std::string seen;
  std::vector<double> ups, downs;
  for (const std::string& name : names) {
    const AttributeVector& v = vectors.at(name);
    ups.push_back(attribute_effect(vae, held_out, name, v.direction, 1.0));
    downs.push_back(attribute_effect(vae, held_out, name, v.direction, -1.0));
    seen += fmt::format("{}: low {:.2f} high {:.2f}, per unit at +1: {:+.3f}, at -1: {:+.3f}; ", name, v.low_mean,
                        v.high_mean, ups.back(), downs.back());
  }
  INFO(seen);
  for (size_t i = 0; i < names.size(); ++i) CHECK(vectors.at(names[i]).high_mean > vectors.at(names[i]).low_mean);
  // Note density is what this small model's latent code carries: +1 raises it and -1
  // lowers it (a positive change per unit both ways). After 400 steps the pitch-range
  // and syncopation vectors move their attributes little or not at all (measured: about
  // +0.25 semitones per unit at +1, 0 at -1, and 0 for syncopation), so only their
  // computation is checked here; docs/RESULTS.md reports the same on Nottingham.
  CHECK(ups[0] > 0.5);
  CHECK(downs[0] > 0.25);

  // Stored and read back unchanged.
  save_attribute_vectors(attributes_path(tmp.path / "run"), vectors);
  const AttributeVectors back = load_attribute_vectors(attributes_path(tmp.path / "run"));
  for (const std::string& name : names)
    CHECK(back.at(name).direction.to_vector<float>() == vectors.at(name).direction.to_vector<float>());
}
