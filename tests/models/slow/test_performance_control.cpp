// Performance RNN conditioning, learned: a small model trained on a synthetic corpus whose
// pieces are sparse or dense, in C major or F# major (the two share only B and E#/F), then
// sampled under each control. Requesting a higher note density must give more notes per
// second, and the requested key's pitch classes must dominate. Takes about a minute.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

#include "models/run_dir.h"
#include "models/train.h"
#include "music/score/midi_convert.h"
#include "ops/ops.h"
#include "tests/models/cli_checks.h"

using namespace cadenza;
using namespace cadenza::models;
namespace fs = std::filesystem;

namespace {

constexpr int kMajor[7] = {0, 2, 4, 5, 7, 9, 11};
constexpr int kC = 0, kFSharp = 6;

bool in_major_key(int pitch, int tonic) {
  const int pc = ((pitch - tonic) % 12 + 12) % 12;
  return std::find(std::begin(kMajor), std::end(kMajor), pc) != std::end(kMajor);
}

// 20 s of random scale notes at 120 BPM (960 ticks per second), one every `gap_s` seconds.
music::Score synthetic_piece(int tonic, double gap_s, std::mt19937& rng) {
  music::Score s;
  music::Track t;
  const int64_t gap = std::lround(gap_s * 960);
  std::uniform_int_distribution<int> degree(0, 13);
  for (int64_t start = 0; start < 20 * 960; start += gap) {
    const int d = degree(rng);
    const int pitch = 60 + tonic + 12 * (d / 7) + kMajor[d % 7];
    t.notes.push_back({start, start + gap, uint8_t(pitch), 80});
  }
  s.tracks.push_back(t);
  return s;
}

struct Measured {
  double notes_per_second = 0;
  double in_c = 0, in_fsharp = 0;  // share of notes in each key
};

Measured measure(const music::Score& s) {
  Measured m;
  int64_t n = 0, last = 0;
  for (const auto& track : s.tracks)
    for (const auto& note : track.notes) {
      ++n;
      last = std::max(last, note.start);
      m.in_c += in_major_key(note.pitch, kC);
      m.in_fsharp += in_major_key(note.pitch, kFSharp);
    }
  if (n == 0) return m;
  // Decoded performances run at 120 BPM with 1 ms ticks.
  m.notes_per_second = n / std::max(1e-3, double(last) / 1000.0);
  m.in_c /= double(n), m.in_fsharp /= double(n);
  return m;
}

}  // namespace

TEST_CASE("performance_rnn follows the note density and key it is asked for", "[control][slow]") {
  cadenza::test::TempDir tmp("cadenza_control", "perf");
  const fs::path corpus = tmp.path / "midi";
  fs::create_directories(corpus);
  std::mt19937 rng(7);
  int index = 0;
  for (int tonic : {kC, kFSharp})
    for (double gap : {0.5, 0.1})
      for (int i = 0; i < 12; ++i)
        music::save_midi(synthetic_piece(tonic, gap, rng), corpus / ("piece" + std::to_string(index++) + ".mid"));

  const nlohmann::json patch = {{"config", {{"hidden", 96}, {"note_density", true}, {"pitch_histogram", true}}},
                                {"data", {{"path", corpus.string()}, {"batch_size", 16}, {"length", 96}}},
                                {"train",
                                 {{"steps", 500},
                                  {"lr", 0.01},
                                  {"warmup", 20},
                                  {"valid_every", 0},
                                  {"valid_batches", 2},
                                  {"checkpoint_every", 1000},
                                  {"log_every", 50}}}};
  const fs::path run = tmp.path / "run";
  REQUIRE(train(run, make_run_spec("performance_rnn", "small", patch), false, {nullptr, nullptr}).status ==
          TrainStatus::finished);
  const TrainedModel trained = load_trained_model(run);

  auto sample = [&](double density, int tonic) {
    SampleOptions o;
    o.length = 400;
    std::vector<double> h(12, 0.0);
    for (int d : kMajor) h[size_t((tonic + d) % 12)] = 1;
    h[size_t(tonic)] = 2;
    o.controls = {{"note_density", density}, {"pitch_histogram", h}};
    Generator gen(11);
    return measure(trained.model->sample(o, gen));
  };
  const Measured sparse_c = sample(2, kC), dense_c = sample(10, kC);
  const Measured sparse_f = sample(2, kFSharp), dense_f = sample(10, kFSharp);
  std::string seen;
  for (const Measured& m : {sparse_c, dense_c, sparse_f, dense_f})
    seen += fmt::format("[{:.2f} notes/s, {:.2f} in C, {:.2f} in F#] ", m.notes_per_second, m.in_c, m.in_fsharp);
  INFO(seen);
  CHECK(dense_c.notes_per_second > 2 * sparse_c.notes_per_second);
  CHECK(dense_f.notes_per_second > 2 * sparse_f.notes_per_second);
  for (const Measured& m : {sparse_c, dense_c}) {
    CHECK(m.in_c > 0.8);
    CHECK(m.in_fsharp < 0.5);
  }
  for (const Measured& m : {sparse_f, dense_f}) {
    CHECK(m.in_fsharp > 0.8);
    CHECK(m.in_c < 0.5);
  }
}
