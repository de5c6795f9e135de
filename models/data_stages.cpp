#include "models/data_stages.h"

#include <fmt/format.h>

#include <regex>

#include "engine/error.h"
#include "models/data_windows.h"
#include "models/token_stream_source.h"
#include "music/corpus/store.h"
#include "music/dataset/augment.h"
#include "music/dataset/rng.h"
#include "music/repr/tokenizer_spec.h"
#include "music/score/midi_convert.h"

namespace cadenza::models {
namespace fs = std::filesystem;
namespace ds = music::dataset;
namespace repr = music::repr;

namespace {

// The corpus of a JSON file, with its NAME_<split>.json siblings.
repr::RollCorpus load_json_corpus(const fs::path& path) {
  auto load = [](const fs::path& p) {
    try {
      return repr::load_roll_json(p);
    } catch (const std::exception& e) {
      fail("{}: {}", p.string(), e.what());
    }
  };
  repr::RollCorpus corpus = load(path);
  static const std::regex kSplitFile(R"((.*)_(train|valid|test)\.json)");
  std::smatch m;
  const std::string name = path.filename().string();
  if (!std::regex_match(name, m, kSplitFile)) return corpus;
  for (const char* split : {"train", "valid", "test"}) {
    const fs::path sibling = path.parent_path() / fmt::format("{}_{}.json", m[1].str(), split);
    if (sibling == path || !fs::exists(sibling)) continue;
    for (auto& [key, pieces] : load(sibling).splits) corpus.splits.emplace(key, std::move(pieces));
  }
  return corpus;
}

// Every split in memory; batch p is drawn with an RNG seeded by (seed, p).
template <class Seq>
class MemorySource final : public DataSource {
 public:
  MemorySource(std::map<DataSplit, std::vector<Seq>> splits, const DataOptions& o, TokenCondition condition = {})
      : splits_(std::move(splits)), o_(o), condition_(std::move(condition)) {}

  Batch next() override {
    const auto& pieces = splits_.at(DataSplit::train);
    ds::Rng rng(batch_seed(o_.seed, position++));
    std::vector<Seq> rows;
    for (int64_t b = 0; b < o_.batch_size; ++b) {
      const Seq& seq = pieces[rng.below(pieces.size())];
      const int64_t n = static_cast<int64_t>(seq.size()), w = o_.length + 1;
      const int64_t start = n > w ? static_cast<int64_t>(rng.below(static_cast<uint64_t>(n - w + 1))) : 0;
      Seq row(seq.begin() + start, seq.begin() + std::min(n, start + w));
      if constexpr (std::is_same_v<Seq, repr::RollPiece>)
        if (o_.max_transpose > 0) ds::transpose(row, ds::random_transposition(row, o_.max_transpose, rng));
      rows.push_back(std::move(row));
    }
    return make_batch(rows, o_.length + 1, condition_);
  }
  void seek(int64_t p) override { position = p; }
  bool has_split(DataSplit s) const override { return splits_.count(s) && !splits_.at(s).empty(); }
  void for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn, int64_t max_batches,
                           EvalLayout layout) const override {
    const std::vector<Seq>& seqs = splits_.at(split);
    if (layout == EvalLayout::in_order) {
      EvalBatcher<Seq> batcher(o_.batch_size, eval_window(o_), max_batches, condition_, fn);
      for (const Seq& seq : seqs) batcher.add(seq);
      return batcher.flush();
    }
    size_t i = 0;
    LaneBatcher<Seq>(o_.batch_size, eval_window(o_), max_batches, condition_)
        .run([&]() -> std::optional<Seq> { return i < seqs.size() ? std::optional<Seq>(seqs[i++]) : std::nullopt; },
             fn);
  }

 private:
  std::map<DataSplit, std::vector<Seq>> splits_;
  DataOptions o_;
  TokenCondition condition_;
};

}  // namespace

repr::RollPiece model_roll(repr::RollPiece piece) {
  for (auto& step : piece)
    std::erase_if(step,
                  [](int p) { return p < repr::kRollLowestPitch || p >= repr::kRollLowestPitch + repr::kRollPitches; });
  piece.insert(piece.begin(), repr::RollStep{});
  return piece;
}

std::map<DataSplit, std::vector<repr::RollPiece>> load_roll_splits(const DataOptions& o, ds::SkippedFiles& skipped) {
  std::map<DataSplit, std::vector<repr::RollPiece>> out;
  if (fs::is_directory(o.path)) {
    for (DataSplit s : kDataSplits)
      for (const fs::path& file : ds::midi_files(o.path, dataset_split(s), {}, 0)) try {
          out[s].push_back(repr::score_to_roll_piece(music::load_midi(file), o.steps_per_quarter));
        } catch (const std::exception& e) {
          skipped.add(file, e.what());
        }
    return out;
  }
  repr::RollCorpus corpus = load_json_corpus(o.path);
  for (auto& [key, pieces] : corpus.splits) out[parse_data_split(key)] = std::move(pieces);
  return out;
}

// Training needs a train split; evaluation reads only the split it evaluates (a file may
// hold nothing else), whose absence for_each_eval_batch reports.
std::unique_ptr<DataSource> make_shared_source(const Model& model, const DataOptions& o, DataUse use,
                                               ds::SkippedFiles& skipped, TokenCondition condition) {
  // A model with a tokenizer reads tokens; one without reads 88-key rolls.
  std::unique_ptr<repr::Tokenizer> tok =
      model.tokenizer().empty() ? nullptr : repr::tokenizer_from_spec(model.tokenizer_spec());
  CADENZA_CHECK(tok || condition.width == 0, "model '{}': a per-step condition needs a tokenizer", model.name());
  if (music::corpus::is_store(o.path)) {
    CADENZA_CHECK(tok, "{}: a corpus store holds tokens, and model '{}' reads piano rolls", o.path.string(),
                  model.name());
    return make_store_source(*tok, o, std::move(condition), use);
  }
  if (tok && fs::is_directory(o.path))
    return make_midi_stream_source(std::move(tok), o, std::move(condition), use, skipped);
  std::map<DataSplit, std::vector<repr::RollPiece>> rolls = load_roll_splits(o, skipped);
  CADENZA_CHECK(use == DataUse::eval || (rolls.count(DataSplit::train) && !rolls[DataSplit::train].empty()),
                "{}: no training pieces", o.path.string());
  if (!tok) {
    for (auto& [split, pieces] : rolls)
      for (auto& piece : pieces) piece = model_roll(std::move(piece));
    return std::make_unique<MemorySource<repr::RollPiece>>(std::move(rolls), o);
  }
  std::map<DataSplit, std::vector<TokenSeq>> tokens;
  for (const auto& [split, pieces] : rolls)
    for (const auto& piece : pieces) {
      TokenSeq seq = tok->encode(repr::roll_piece_to_score(piece, o.steps_per_quarter));
      if (seq.size() >= 2) tokens[split].push_back(std::move(seq));
    }
  CADENZA_CHECK(use == DataUse::eval || !tokens[DataSplit::train].empty(),
                "{}: no training piece gives two or more '{}' tokens", o.path.string(), tok->name());
  return std::make_unique<MemorySource<TokenSeq>>(std::move(tokens), o, std::move(condition));
}

}  // namespace cadenza::models
