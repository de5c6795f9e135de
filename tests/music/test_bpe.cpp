// BPE over music tokens: the learner's merges (by hand, and against a plain re-counting
// learner), lossless round trips on every file the strict reader accepts, the file format
// and its faults, and stores built with a BPE tokenizer.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "bpe_checks.h"
#include "engine/serialize/atomic_file.h"
#include "music/corpus/piece_hash.h"
#include "music/corpus/store.h"
#include "music/corpus/store_builder.h"
#include "music/dataset/rng.h"
#include "music/dataset/split.h"
#include "music/repr/bpe.h"
#include "music/repr/remi.h"
#include "music/repr/tokenizer_spec.h"
#include "music/score/midi_convert.h"
#include "tests/models/cli_checks.h"
#include "tests/support/test_data.h"

using namespace cadenza::music;
using namespace cadenza::music::repr;
namespace fs = std::filesystem;

namespace {

// The learner as its definition reads: count every pair of every word, take the most
// frequent (ties: the smallest pair), merge it left to right in every word, start over.
std::vector<TokenPair> reference_merges(std::vector<std::pair<std::vector<int32_t>, uint64_t>> words,
                                        int32_t base_vocab, int32_t vocab_size) {
  std::vector<TokenPair> merges;
  for (int32_t z = base_vocab; z < vocab_size; ++z) {
    std::map<TokenPair, uint64_t> counts;
    for (const auto& [w, c] : words)
      for (size_t i = 0; i + 1 < w.size(); ++i) counts[{w[i], w[i + 1]}] += c;
    TokenPair best{-1, -1};
    uint64_t best_count = 0;
    for (const auto& [pair, c] : counts)
      if (c > best_count) best = pair, best_count = c;  // std::map: the smallest pair wins a tie
    if (best_count < 2) break;
    merges.push_back(best);
    for (auto& [w, c] : words) {
      std::vector<int32_t> out;
      for (size_t i = 0; i < w.size(); ++i)
        if (i + 1 < w.size() && TokenPair{w[i], w[i + 1]} == best)
          out.push_back(z), ++i;
        else
          out.push_back(w[i]);
      w = out;
    }
  }
  return merges;
}

// A BPE tokenizer learned over the bundled Freedoom tracks.
std::unique_ptr<BpeTokenizer> learned_on_freedoom(const std::string& base, int32_t vocab) {
  return cadenza::music::test::learn_bpe_on(cadenza::test::test_data("freedoom"), base, vocab);
}

// The same words a store or a piece would give, for hand-made cases.
WordCounts counts_of(const std::vector<std::pair<std::vector<int32_t>, uint64_t>>& words) {
  WordCounts out;
  for (const auto& [w, c] : words) out.add_word(w, c);
  return out;
}

}  // namespace

TEST_CASE("bpe: merges of a hand-made corpus, overlaps included", "[bpe]") {
  const std::vector<std::pair<std::vector<int32_t>, uint64_t>> words = {
      {{0, 1, 2}, 5}, {{0, 1}, 2}, {{1, 2}, 1}, {{4, 4, 4, 4}, 1}};
  const BpeLearnResult r = learn_bpe(counts_of(words), 5, 9);
  // (0,1) occurs 7 times, (1,2) 6, (4,4) 3 (overlapping). After 0 1 -> 5: (5,2) 5 times,
  // (1,2) once; after 5 2 -> 6: (4,4) 3 times, merged left to right into 7 7; then no
  // pair occurs twice.
  const std::vector<TokenPair> expected = {{0, 1}, {5, 2}, {4, 4}};
  CHECK(r.merges == expected);
  CHECK(r.tokens_before == 5 * 3 + 2 * 2 + 2 + 4);
  CHECK(r.tokens_after == 5 * 1 + 2 * 1 + 2 + 2);  // 6, 5, 1 2, 7 7
  CHECK(reference_merges(words, 5, 9) == expected);
}

TEST_CASE("bpe: the incremental learner merges as the re-counting one does", "[bpe]") {
  dataset::Rng rng(7);
  for (int trial = 0; trial < 30; ++trial) {
    // Few symbols, so pairs overlap (a a a), repeat across words and tie often.
    const int32_t base = 2 + static_cast<int32_t>(rng.below(4));
    std::vector<std::pair<std::vector<int32_t>, uint64_t>> words;
    for (int w = 0; w < 1 + static_cast<int>(rng.below(12)); ++w) {
      std::vector<int32_t> word(1 + rng.below(14));
      for (int32_t& t : word) t = static_cast<int32_t>(rng.below(static_cast<uint64_t>(base)));
      words.push_back({word, 1 + rng.below(3)});
    }
    INFO("trial " << trial);
    const int32_t vocab = base + 40;
    CHECK(learn_bpe(counts_of(words), base, vocab).merges == reference_merges(words, base, vocab));
  }
}

TEST_CASE("bpe: encoding replays the merges as learned and expands back", "[bpe]") {
  // Words of REMI: BAR starts each; merges never cross a BAR.
  auto base = make_tokenizer("remi");
  const std::vector<int32_t> piece = {0, 1, 200, 60, 210, 0, 1, 200, 60, 210, 5, 200, 60, 210, 0};
  WordCounts words;
  words.add_piece("remi", piece);
  CHECK(words.words().size() == 3);  // BAR 1 200 60 210; BAR 1 200 60 210 5 200 60 210; BAR
  const BpeLearnResult r = learn_bpe(words, 273, 300);
  const BpeTokenizer bpe(std::move(base), r.merges);
  const std::vector<int32_t> encoded = bpe.apply(piece);
  CHECK(encoded.size() == r.tokens_after);  // the piece is the whole corpus: its learned segmentation
  CHECK(encoded.size() < piece.size());
  CHECK(bpe.expand(encoded) == piece);
  for (const int32_t t : encoded) {  // no merge crosses a bar
    const std::vector<int32_t> e = bpe.expand(std::vector<int32_t>{t});
    CHECK(std::find(e.begin() + 1, e.end(), RemiTokenizer::kBar) == e.end());
  }
  CHECK(bpe.token_name(encoded.front()).find("BAR") == 0);
  CHECK_THROWS_AS(bpe.expand(std::vector<int32_t>{bpe.vocab_size()}), std::invalid_argument);
  CHECK_THROWS_AS(bpe.apply(std::vector<int32_t>{273}), std::invalid_argument);
  CHECK_THROWS_AS(learn_bpe(words, 273, 273), std::invalid_argument);
  CHECK_THROWS_AS(std::make_unique<BpeTokenizer>(make_tokenizer("melody"), std::vector<TokenPair>{}),
                  std::invalid_argument);
}

TEST_CASE("bpe: round trip on every strictly readable file of the parser corpus and on Freedoom", "[bpe]") {
  using cadenza::music::test::check_bpe_round_trip;
  const auto parser = cadenza::music::test::midi_files_under(cadenza::test::test_data("midi_parser_corpus"));
  const auto tracks = dataset::midi_files(cadenza::test::test_data("freedoom"));
  for (const std::string base : {"remi", "performance"}) {
    const auto bpe = learned_on_freedoom(base, base == "remi" ? 600 : 700);
    const auto on_parser = check_bpe_round_trip(*bpe, parser);
    CHECK(on_parser.checked >= 20);
    const auto on_tracks = check_bpe_round_trip(*bpe, tracks);
    CHECK(on_tracks.checked == tracks.size());
    CHECK(on_tracks.shortened >= tracks.size() - 1);  // all but the one without notes
  }
}

TEST_CASE("bpe: a BPE file round-trips, and a bad one is refused naming the fault", "[bpe]") {
  cadenza::test::TempDir tmp("bpe", "file");
  const auto bpe = learned_on_freedoom("remi", 400);
  save_bpe(*bpe, tmp.path / "bpe.json");
  const auto back = load_bpe(tmp.path / "bpe.json");
  CHECK(back->merges() == bpe->merges());
  CHECK(back->name() == "bpe-remi");
  CHECK(tokenizer_spec(*back) == nlohmann::json(bpe->to_json()));
  CHECK(tokenizer_from_spec(tokenizer_spec(*back))->vocab_size() == 400);
  CHECK(load_tokenizer("remi")->name() == "remi");
  CHECK(load_tokenizer((tmp.path / "bpe.json").string())->vocab_size() == 400);

  auto refused = [&](nlohmann::json j, const std::string& why) {
    INFO(j.dump().substr(0, 200));
    CHECK_THROWS_WITH(BpeTokenizer::from_json(j), Catch::Contains(why));
  };
  const nlohmann::json good = bpe->to_json();
  nlohmann::json j = good;
  j["merges"][3] = {0, 400};
  refused(j, "merge 3");
  j = good;
  j["merges"].push_back(good["merges"][0]);
  j["vocab_size"] = 401;
  refused(j, "repeats an earlier merge");
  j = good;
  j["vocab_size"] = 500;
  refused(j, "vocab_size 500");
  j = good;
  j["base_vocab_size"] = 272;
  refused(j, "272");
  j = good;
  j["base"] = "melody";
  j["base_vocab_size"] = 38;
  refused(j, "not melody");
  j = good;
  j.erase("merges");
  refused(j, "merges");
  refused(nlohmann::json::array(), "cadenza-bpe");
  cadenza::serialize::write_file_atomic(tmp.path / "torn.json", "{\"format\": \"cadenza-bpe\", \"merg");
  CHECK_THROWS_WITH(load_bpe(tmp.path / "torn.json"), Catch::Contains("not JSON"));
  CHECK_THROWS_WITH(load_tokenizer((tmp.path / "missing.json").string()), Catch::Contains("neither a name"));
}

TEST_CASE("bpe: a store built with a BPE file holds its encodings and rebuilds the tokenizer", "[bpe][corpus]") {
  cadenza::test::TempDir tmp("bpe", "store");
  const auto bpe = learned_on_freedoom("remi", 500);
  save_bpe(*bpe, tmp.path / "bpe.json");
  corpus::BuildOptions options;
  options.tokenizer = (tmp.path / "bpe.json").string();
  dataset::SkippedFiles skipped;
  const auto report = corpus::build_store(cadenza::test::test_data("freedoom"), tmp.path / "store", options, skipped);
  fs::remove(tmp.path / "bpe.json");  // the store needs no other file
  const corpus::Store store(tmp.path / "store");
  CHECK(store.tokenizer_name() == "bpe-remi");
  CHECK(store.vocab_size() == 500);
  const auto tok = store.make_tokenizer();
  REQUIRE(tok->vocab_size() == 500);
  REQUIRE(store.size() == report.pieces);
  std::map<uint64_t, size_t> by_hash;
  for (size_t i = 0; i < store.size(); ++i) by_hash[store.hash(i)] = i;
  size_t matched = 0;
  for (const fs::path& f : dataset::midi_files(cadenza::test::test_data("freedoom"))) {
    const Score score = load_midi(f);
    if (score.note_count() == 0) continue;
    CHECK(store.tokens(by_hash.at(corpus::note_content_hash(score))) == bpe->encode(score));
    ++matched;
  }
  CHECK(matched == store.size());
  // Another BPE file of the same size is another vocabulary: the store says so.
  auto config = nlohmann::json::parse(store.config_json());
  config["tokenizer"]["bpe"]["merges"][0] = {1, 0};
  cadenza::serialize::write_file_atomic(tmp.path / "store" / "config.json", config.dump());
  CHECK_THROWS_WITH(corpus::Store(tmp.path / "store").make_tokenizer(), Catch::Contains("another version"));
}
