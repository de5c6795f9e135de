// Corpus stores: what goes in comes out (round trip against the tokenizer), each piece
// once, bad files named, splits by content, reads bounded and checked.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>

#include "music/corpus/piece_hash.h"
#include "music/corpus/store.h"
#include "music/corpus/store_builder.h"
#include "music/corpus/store_stream.h"
#include "music/repr/tokenizer.h"
#include "music/score/midi_convert.h"
#include "tests/models/cli_checks.h"
#include "tests/support/test_data.h"

using namespace cadenza::music;
using namespace cadenza::music::corpus;
namespace fs = std::filesystem;

namespace {

void put(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

// The bytes of every file of a store folder, by name.
std::map<std::string, std::string> store_bytes(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    out[e.path().filename().string()] = cadenza::test::read_bytes(e.path());
  return out;
}

// A few Freedoom tracks copied into `dir` (sub/ holds one, so the walk is recursive).
std::vector<fs::path> copy_tracks(const fs::path& dir, const std::vector<std::string>& names) {
  std::vector<fs::path> out;
  for (size_t i = 0; i < names.size(); ++i) {
    const fs::path to = dir / (i == 0 ? "sub" : "") / names[i];
    put(to, cadenza::test::read_bytes(cadenza::test::test_data("freedoom") / names[i]));
    out.push_back(to);
  }
  return out;
}

const std::vector<std::string> kTracks = {"d_e1m1.mid", "d_intro.mid", "d_map21.mid", "d_dm11.mid", "d_dm14.mid"};

}  // namespace

TEST_CASE("corpus store: every stored piece is the tokenizer's encoding of its file", "[corpus]") {
  cadenza::test::TempDir tmp("corpus", "roundtrip");
  BuildOptions options;
  options.files_per_shard = 2;  // several shards, one of them partial
  for (const std::string tokenizer_name : {"remi", "performance"}) {
    options.tokenizer = tokenizer_name;
    dataset::SkippedFiles skipped;
    const fs::path out = tmp.path / ("store-" + tokenizer_name);
    const auto report = build_store(cadenza::test::test_data("freedoom"), out, options, skipped);
    const Store store(out);
    const auto tokenizer = store.make_tokenizer();
    REQUIRE(store.size() == report.pieces);
    CHECK(store.shards() == (dataset::midi_files(cadenza::test::test_data("freedoom")).size() + 1) / 2);
    std::map<uint64_t, size_t> by_hash;
    for (size_t i = 0; i < store.size(); ++i) by_hash[store.hash(i)] = i;
    size_t matched = 0;
    uint64_t tokens = 0;
    for (const fs::path& f : dataset::midi_files(cadenza::test::test_data("freedoom"))) {
      const Score score = load_midi(f);
      if (score.note_count() == 0) continue;
      const auto it = by_hash.find(note_content_hash(score));
      REQUIRE(it != by_hash.end());
      const std::vector<int32_t> expected = tokenizer->encode(score);
      CHECK(store.tokens(it->second) == expected);
      tokens += expected.size();
      ++matched;
    }
    CHECK(matched == store.size());
    CHECK(store.tokens() == tokens);
  }
}

TEST_CASE("corpus store: identical note content is stored once", "[corpus]") {
  cadenza::test::TempDir tmp("corpus", "dedupe");
  const fs::path in = tmp.path / "in";
  copy_tracks(in, kTracks);
  const std::string e1m1 = cadenza::test::read_bytes(in / "sub" / "d_e1m1.mid");
  put(in / "copy-of-e1m1.mid", e1m1);
  put(in / "deeper" / "again.MID", e1m1);
  // The same notes written anew (other track layout and names) are the same piece...
  Score score = load_midi(in / "d_intro.mid");
  for (auto& t : score.tracks) t.name = "renamed";
  std::reverse(score.tracks.begin(), score.tracks.end());
  save_midi(score, in / "intro-rewritten.mid");
  // ...and one note moved is another.
  score.tracks.front().notes.front().velocity ^= 1;
  save_midi(score, in / "intro-changed.mid");
  dataset::SkippedFiles skipped;
  const auto r = build_store(in, tmp.path / "store", {}, skipped);
  CHECK(r.files == kTracks.size() + 4);
  CHECK(r.duplicates == 3);
  CHECK(r.pieces == kTracks.size() + 1);
  CHECK(r.skipped == 0);
  const Store store(tmp.path / "store");
  std::set<uint64_t> hashes;
  for (size_t i = 0; i < store.size(); ++i) hashes.insert(store.hash(i));
  CHECK(hashes.size() == store.size());
}

TEST_CASE("corpus store: bad files are skipped, counted and named with their reason", "[corpus]") {
  cadenza::test::TempDir tmp("corpus", "bad");
  const fs::path in = tmp.path / "in";
  copy_tracks(in, {"d_intro.mid", "d_dm11.mid"});
  put(in / "garbage.mid", "this is not a MIDI file at all");
  put(in / "empty.mid", "");
  fs::create_directories(in / "nested");
  save_midi(Score{}, in / "nested" / "silent.mid");  // a valid file without a note
  dataset::SkippedFiles skipped(false, 0);
  const auto r = build_store(in, tmp.path / "store", {}, skipped);
  CHECK(r.skipped == 3);
  CHECK(skipped.count() == 3);
  CHECK(r.pieces == 2);
  const std::string tsv = cadenza::test::read_bytes(tmp.path / "store" / "skipped.tsv");
  CHECK(tsv == "empty.mid\tno MThd at byte 0\ngarbage.mid\tno MThd at byte 0\nnested/silent.mid\tno notes\n");
  CHECK(Store(tmp.path / "store").size() == 2);
}

TEST_CASE("corpus store: splits follow the content, not the files around it", "[corpus]") {
  cadenza::test::TempDir tmp("corpus", "splits");
  const fs::path freedoom = cadenza::test::test_data("freedoom");
  const fs::path small = tmp.path / "small";
  copy_tracks(small, {"d_intro.mid", "d_dm11.mid", "d_dm14.mid", "d_e1m2.mid"});
  BuildOptions options;
  options.fractions = {0.3, 0.3};
  options.split_seed = 11;
  dataset::SkippedFiles skipped(false, 0);
  build_store(small, tmp.path / "small-store", options, skipped);
  build_store(freedoom, tmp.path / "all-store", options, skipped);
  const Store a(tmp.path / "small-store"), b(tmp.path / "all-store");
  std::map<uint64_t, dataset::Split> in_all;
  std::array<size_t, 3> per_split{};
  for (size_t i = 0; i < b.size(); ++i) {
    in_all[b.hash(i)] = b.split(i);
    ++per_split[static_cast<size_t>(b.split(i))];
  }
  for (size_t i = 0; i < a.size(); ++i) CHECK(in_all.at(a.hash(i)) == a.split(i));
  // Every split is used, and pieces_of partitions the store.
  CHECK(per_split[0] > 0);
  CHECK(per_split[1] > 0);
  CHECK(per_split[2] > 0);
  size_t total = 0;
  for (auto s : {dataset::Split::kTrain, dataset::Split::kValid, dataset::Split::kTest}) {
    for (uint32_t p : b.pieces_of(s)) CHECK(b.split(p) == s);
    total += b.pieces_of(s).size();
  }
  CHECK(total == b.size());
  // The same inputs give the same bytes, whatever the thread count.
  options.jobs = 1;
  build_store(freedoom, tmp.path / "one-thread", options, skipped);
  CHECK(store_bytes(tmp.path / "one-thread") == store_bytes(tmp.path / "all-store"));
}

TEST_CASE("corpus store: a stream reads bounded windows that are the stored tokens", "[corpus]") {
  cadenza::test::TempDir tmp("corpus", "stream");
  dataset::SkippedFiles skipped(false, 0);
  BuildOptions options;
  options.files_per_shard = 3;
  build_store(cadenza::test::test_data("freedoom"), tmp.path / "store", options, skipped);
  const Store store(tmp.path / "store");
  dataset::TokenStreamConfig config;
  config.batch_size = 4;
  config.window = 64;
  config.shuffle_buffer = 16;
  config.seed = 5;
  config.pad_id = -1;
  StoreStream stream(store, dataset::Split::kTrain, config);
  uint64_t longest = 0, expected_tokens = 0;
  for (uint32_t p : store.pieces_of(dataset::Split::kTrain)) {
    longest = std::max<uint64_t>(longest, store.length(p));
    expected_tokens += store.length(p);
  }
  REQUIRE(expected_tokens > 0);
  // Every token of the split comes out once an epoch, each row a slice of its piece.
  std::multiset<int32_t> seen;
  size_t batches = 0;
  while (auto batch = stream.next()) {
    ++batches;
    REQUIRE(batch->length == config.window);
    REQUIRE(batch->batch <= config.batch_size);
    for (int64_t i = 0; i < batch->batch * batch->length; ++i) {
      CHECK((batch->mask[i] == 1) == (batch->tokens[i] != -1));
      if (batch->mask[i]) seen.insert(batch->tokens[i]);
    }
  }
  CHECK(batches > 1);
  CHECK(stream.stats().tokens == expected_tokens);
  std::multiset<int32_t> all;
  for (uint32_t p : store.pieces_of(dataset::Split::kTrain))
    for (int32_t t : store.tokens(p)) all.insert(t);
  CHECK(seen == all);
  // At most the buffer plus one piece's windows are held, whatever the store's size.
  CHECK(stream.stats().max_buffered <= config.shuffle_buffer + (longest + config.window - 1) / config.window + 1);
  // The next epoch starts again, in another order, from the same seed deterministically.
  StoreStream again(store, dataset::Split::kTrain, config);
  auto first = again.next();
  StoreStream twin(store, dataset::Split::kTrain, config);
  CHECK(twin.next()->tokens == first->tokens);
  CHECK(stream.next().has_value());
}

TEST_CASE("corpus store: an incomplete or damaged store does not open", "[corpus]") {
  cadenza::test::TempDir tmp("corpus", "damaged");
  const fs::path in = tmp.path / "in";
  copy_tracks(in, {"d_intro.mid", "d_dm11.mid"});
  dataset::SkippedFiles skipped;
  build_store(in, tmp.path / "store", {}, skipped);
  const fs::path store = tmp.path / "store";
  REQUIRE(is_store(store));
  const Store ok(store);
  std::vector<int32_t> one(1);
  CHECK_THROWS_WITH(ok.read(0, ok.length(0), one), Catch::Contains("tokens"));
  CHECK_THROWS_AS(ok.length(ok.size()), std::out_of_range);
  const std::string index = cadenza::test::read_bytes(store / "index.bin");
  // An entry whose length runs past its shard.
  std::string bad = index;
  bad[sizeof(IndexHeader) + 16] = '\xFF';
  bad[sizeof(IndexHeader) + 17] = '\xFF';
  bad[sizeof(IndexHeader) + 18] = '\xFF';
  put(store / "index.bin", bad);
  CHECK_THROWS_WITH(Store(store), Catch::Contains("outside its shard"));
  put(store / "index.bin", index.substr(0, index.size() - 1));
  CHECK_THROWS_WITH(Store(store), Catch::Contains("piece count"));
  put(store / "index.bin", index);
  fs::remove(store / "config.json");
  CHECK_FALSE(is_store(store));
  CHECK_THROWS_WITH(Store(store), Catch::Contains("interrupted build"));
}

TEST_CASE("corpus store: a rebuild after the folder changed equals a fresh build", "[corpus]") {
  cadenza::test::TempDir tmp("corpus", "changed");
  const fs::path in = tmp.path / "in";
  copy_tracks(in, kTracks);
  BuildOptions options;
  options.files_per_shard = 2;
  dataset::SkippedFiles skipped(false, 0);
  build_store(in, tmp.path / "store", options, skipped);
  // Another piece under an old name, and a new file at the front of the order.
  put(in / "d_map21.mid", cadenza::test::read_bytes(cadenza::test::test_data("freedoom") / "d_e1m4.mid"));
  put(in / "a-first.mid", cadenza::test::read_bytes(cadenza::test::test_data("freedoom") / "d_e1m6.mid"));
  const auto again = build_store(in, tmp.path / "store", options, skipped);
  build_store(in, tmp.path / "fresh", options, skipped);
  CHECK(store_bytes(tmp.path / "store") == store_bytes(tmp.path / "fresh"));
  CHECK(again.shards_reused < again.shards);
}
