// Datasets: RNG, splits, augmentation, batches, streaming from disk.
#include <catch2/catch.hpp>

#include <set>

#include "corpus_manifest.h"
#include "music/dataset/augment.h"
#include "music/dataset/batch.h"
#include "music/dataset/roll_dataset.h"
#include "music/dataset/split.h"
#include "music/dataset/token_stream.h"
#include "music/repr/performance.h"
#include "music/score/midi_convert.h"
#include "score_builders.h"
#include "tests/support/test_data.h"

using namespace cadenza::music;
using namespace cadenza::music::dataset;

TEST_CASE("SplitMix64 matches the reference sequence", "[dataset]") {
  Rng rng(0);
  CHECK(rng.next() == 0xE220A8397B1DCDAFull);
  CHECK(rng.next() == 0x6E789E6AA1B965F4ull);
  Rng a(42), b(42);
  for (int i = 0; i < 100; ++i) CHECK(a.below(10) == b.below(10));
}

TEST_CASE("file splits are disjoint, complete and deterministic", "[dataset]") {
  const auto dir = cadenza::test::test_data("freedoom");
  const size_t files = midi_files(dir).size();
  REQUIRE(files == 18);
  const SplitFractions f{0.25, 0.25};
  const auto train = midi_files(dir, Split::kTrain, f, 7);
  const auto valid = midi_files(dir, Split::kValid, f, 7);
  const auto test = midi_files(dir, Split::kTest, f, 7);
  CHECK(train.size() + valid.size() + test.size() == files);
  std::set<std::filesystem::path> all(train.begin(), train.end());
  all.insert(valid.begin(), valid.end());
  all.insert(test.begin(), test.end());
  CHECK(all.size() == files);
  CHECK(valid.size() >= 2);
  CHECK(test.size() >= 2);
  CHECK(midi_files(dir, Split::kValid, f, 7) == valid);
  CHECK(midi_files(dir, Split::kValid, f, 8) != valid);
  CHECK(parse_split("test") == Split::kTest);
  CHECK_THROWS(parse_split("dev"));
}

TEST_CASE("transposition refuses to leave the pitch range, drums stay", "[dataset]") {
  Score s = test::one_track({{0, 10, 60, 90}, {0, 10, 120, 90}});
  Track& drums = s.tracks.emplace_back();
  drums.is_drum = true;
  drums.notes.push_back({0, 10, 36, 90});
  CHECK_FALSE(transpose(s, 8));
  CHECK(s.tracks[0].notes[1].pitch == 120);
  CHECK(transpose(s, 7));
  CHECK(s.tracks[0].notes[1].pitch == 127);
  CHECK(s.tracks[1].notes[0].pitch == 36);
  Rng rng(1);
  for (int i = 0; i < 50; ++i) {
    const int shift = random_transposition(s, 6, rng);
    CHECK(shift >= -6);
    CHECK(shift <= 0);
  }
  repr::RollPiece piece{{21, 60}, {}, {100}};
  CHECK_FALSE(transpose(piece, -1));
  CHECK(transpose(piece, 8));
  CHECK(piece == repr::RollPiece{{29, 68}, {}, {108}});
}

TEST_CASE("tempo augmentation scales every tempo", "[dataset]") {
  Score s = test::one_track({{0, 480, 60, 90}});
  scale_tempo(s, 2.0);  // no tempo: 120 BPM is made explicit first
  REQUIRE(s.tempos.size() == 1);
  CHECK(s.tempos[0].bpm() == Approx(240.0));
  s.tempos.push_back({480, 1000000});
  scale_tempo(s, 0.5);
  CHECK(s.tempos[0].bpm() == Approx(120.0));
  CHECK(s.tempos[1].bpm() == Approx(30.0));
  CHECK_THROWS(scale_tempo(s, 0.0));
}

TEST_CASE("token batches pad and mask row-major", "[dataset]") {
  const TokenBatch b = make_token_batch({{5, 6, 7}, {8}}, -1);
  CHECK(b.batch == 2);
  CHECK(b.length == 3);
  CHECK(b.tokens == std::vector<int32_t>{5, 6, 7, 8, -1, -1});
  CHECK(b.mask == std::vector<uint8_t>{1, 1, 1, 1, 0, 0});
  const TokenBatch cut = make_token_batch({{5, 6, 7}}, 0, 2);
  CHECK(cut.tokens == std::vector<int32_t>{5, 6});
}

TEST_CASE("roll batches are [batch, steps, 88] with a step mask", "[dataset]") {
  const RollBatch b = make_roll_batch({{{21, 108}}, {{60}, {}}});
  CHECK(b.shape == std::array<int64_t, 3>{2, 2, 88});
  CHECK(b.data[0] == 1.0f);
  CHECK(b.data[87] == 1.0f);
  CHECK(b.data[(1 * 2 + 0) * 88 + 39] == 1.0f);
  CHECK(b.mask == std::vector<uint8_t>{1, 0, 1, 1});
  float sum = 0;
  for (float v : b.data) sum += v;
  CHECK(sum == 3.0f);
}

TEST_CASE("token stream: every token once per epoch, bounded buffer, seeded", "[dataset]") {
  const auto some = midi_files(cadenza::test::test_data("freedoom"));
  REQUIRE(some.size() == 18);
  const repr::PerformanceTokenizer tok;
  size_t expected_tokens = 0, longest = 0;
  for (const auto& f : some) {
    const size_t n = tok.encode(load_midi(f)).size();
    expected_tokens += n;
    longest = std::max(longest, n);
  }
  TokenStreamConfig c;
  c.batch_size = 4;
  c.window = 256;
  c.shuffle_buffer = 8;
  c.seed = 3;
  TokenStream stream(some, tok, c);
  size_t batches = 0;
  while (auto b = stream.next()) {
    CHECK(b->length == 256);
    CHECK(b->tokens.size() == static_cast<size_t>(b->batch * 256));
    ++batches;
  }
  CHECK(stream.stats().files_read == some.size());
  CHECK(stream.stats().tokens == expected_tokens);
  CHECK(stream.stats().max_buffered <= 8 + longest / 256 + 1);
  CHECK(batches == (stream.stats().windows + 3) / 4);

  // Same seed, same batches; another seed, another order. A second epoch starts again.
  TokenStream a(some, tok, c), b(some, tok, c);
  c.seed = 4;
  TokenStream other(some, tok, c);
  const auto first = a.next();
  CHECK(first->tokens == b.next()->tokens);
  CHECK(first->tokens != other.next()->tokens);
  while (a.next()) {
  }
  CHECK(a.next().has_value());
}

TEST_CASE("roll dataset crops, transposes in range, and is seeded", "[dataset]") {
  const auto corpus =
      repr::load_roll_json(std::filesystem::path(CADENZA_SOURCE_DIR) / "data" / "jsb-chorales-quarter.json");
  RollDatasetConfig c;
  c.batch_size = 4;
  c.steps = 32;
  c.max_transpose = 6;
  c.seed = 9;
  RollDataset a(corpus.splits.at("train"), c), b(corpus.splits.at("train"), c);
  for (int i = 0; i < 20; ++i) {
    const RollBatch x = a.next();
    CHECK(x.shape == std::array<int64_t, 3>{4, 32, 88});
    CHECK(x.data == b.next().data);
  }
}
