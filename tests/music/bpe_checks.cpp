#include "bpe_checks.h"

#include <catch2/catch.hpp>

#include <algorithm>

#include "music/dataset/split.h"
#include "music/score/midi_convert.h"

namespace cadenza::music::test {
namespace fs = std::filesystem;

std::unique_ptr<repr::BpeTokenizer> learn_bpe_on(const fs::path& folder, const std::string& base, int32_t vocab) {
  auto tok = repr::make_tokenizer(base);
  repr::WordCounts words;
  for (const fs::path& f : dataset::midi_files(folder)) words.add_piece(base, tok->encode(load_midi(f)));
  const repr::BpeLearnResult r = repr::learn_bpe(words, tok->vocab_size(), vocab);
  REQUIRE(static_cast<int32_t>(r.merges.size()) == vocab - tok->vocab_size());
  return std::make_unique<repr::BpeTokenizer>(std::move(tok), r.merges);
}

std::vector<fs::path> midi_files_under(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && (e.path().extension() == ".mid" || e.path().extension() == ".midi"))
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

RoundTripCount check_bpe_round_trip(const repr::BpeTokenizer& bpe, const std::vector<fs::path>& files) {
  RoundTripCount count;
  for (const fs::path& file : files) {
    Score score;
    try {
      score = load_midi(file, {.strict = true});
    } catch (const std::exception&) {
      continue;  // the strict reader refuses it: not part of the guarantee
    }
    INFO(bpe.name() << " " << file.string());
    const std::vector<int32_t> plain = bpe.base().encode(score);
    const std::vector<int32_t> tokens = bpe.encode(score);
    REQUIRE(bpe.expand(tokens) == plain);
    const Score a = bpe.decode(tokens), b = bpe.base().decode(plain);
    CHECK(a.ticks_per_quarter == b.ticks_per_quarter);
    CHECK(a.tempos == b.tempos);
    CHECK(a.time_signatures == b.time_signatures);
    CHECK(a.key_signatures == b.key_signatures);
    CHECK(a.tracks == b.tracks);
    ++count.checked;
    count.shortened += tokens.size() < plain.size();
  }
  return count;
}

}  // namespace cadenza::music::test
