#include "models/token_stream_source.h"

#include <fmt/format.h>

#include "engine/error.h"
#include "models/data_windows.h"
#include "music/corpus/store.h"
#include "music/corpus/store_index.h"
#include "music/corpus/store_stream.h"
#include "music/dataset/token_stream.h"
#include "music/score/midi_convert.h"

namespace cadenza::models {
namespace fs = std::filesystem;
namespace ds = music::dataset;
namespace repr = music::repr;

namespace {

// What the two streams share: batch p is the p-th of a stream restarted from the seed,
// and evaluation walks the split's sequences through the windows of models/data_windows.h.
class StreamedTokenSource : public DataSource {
 public:
  Batch next() override {
    std::optional<ds::TokenBatch> tb = stream_next();
    if (!tb) tb = stream_next();  // a new epoch
    CADENZA_CHECK(tb.has_value(), "{}: nothing readable in the training split", o_.path.string());
    ++position;
    std::vector<TokenSeq> rows;
    for (int64_t b = 0; b < tb->batch; ++b) {
      TokenSeq row;
      for (int64_t t = 0; t < tb->length && tb->mask[b * tb->length + t]; ++t)
        row.push_back(tb->tokens[b * tb->length + t]);
      rows.push_back(std::move(row));
    }
    return token_batch(rows, o_.length + 1, condition_);
  }

  void seek(int64_t p) override {
    ds::TokenStreamConfig c;
    c.batch_size = o_.batch_size;
    c.window = o_.length + 1;
    c.max_transpose = o_.max_transpose;
    c.pad_id = kTokenPadId;
    c.seed = o_.seed;
    restart(c);
    for (position = 0; position < p;) next();
  }

  void for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn, int64_t max_batches,
                           EvalLayout layout) const override {
    const std::function<std::optional<TokenSeq>()> next = sequences(split);
    if (layout == EvalLayout::carried)
      return LaneBatcher<TokenSeq>(o_.batch_size, eval_window(o_), max_batches, condition_).run(next, fn);
    EvalBatcher<TokenSeq> batcher(o_.batch_size, eval_window(o_), max_batches, condition_, fn);
    while (!batcher.done())
      if (std::optional<TokenSeq> seq = next())
        batcher.add(*seq);
      else
        break;
    batcher.flush();
  }

 protected:
  StreamedTokenSource(const DataOptions& o, TokenCondition condition) : o_(o), condition_(std::move(condition)) {}
  // The training stream from its start; its next batch (nullopt at an epoch's end).
  virtual void restart(const ds::TokenStreamConfig& config) = 0;
  virtual std::optional<ds::TokenBatch> stream_next() = 0;
  // The split's sequences one at a time, nullopt after the last.
  virtual std::function<std::optional<TokenSeq>()> sequences(DataSplit split) const = 0;

  DataOptions o_;
  TokenCondition condition_;
};

// Training batches stream through TokenStream; evaluation reads the split's files one at a time.
class MidiStreamSource final : public StreamedTokenSource {
 public:
  MidiStreamSource(std::unique_ptr<repr::Tokenizer> tok, const DataOptions& o, TokenCondition condition, DataUse use,
                   ds::SkippedFiles& skipped)
      : StreamedTokenSource(o, std::move(condition)), tok_(std::move(tok)), skipped_(&skipped) {
    for (DataSplit s : kDataSplits) files_[s] = ds::midi_files(o.path, dataset_split(s), {}, 0);
    CADENZA_CHECK(use == DataUse::eval || has_split(DataSplit::train), "{}: no MIDI files in the training split",
                  o.path.string());
    if (has_split(DataSplit::train)) seek(0);
  }
  bool has_split(DataSplit s) const override { return !files_.at(s).empty(); }

 private:
  void restart(const ds::TokenStreamConfig& c) override {
    stream_ = std::make_unique<ds::TokenStream>(files_.at(DataSplit::train), *tok_, c, skipped_);
  }
  std::optional<ds::TokenBatch> stream_next() override { return stream_->next(); }
  // The split's next readable file; unreadable ones are counted and named, as in training.
  std::function<std::optional<TokenSeq>()> sequences(DataSplit split) const override {
    return [this, &files = files_.at(split), i = size_t{0}]() mutable -> std::optional<TokenSeq> {
      while (i < files.size()) {
        const fs::path& file = files[i++];
        try {
          return tok_->encode(music::load_midi(file));
        } catch (const std::exception& e) {
          skipped_->add(file, e.what());
        }
      }
      return std::nullopt;
    };
  }

  std::unique_ptr<repr::Tokenizer> tok_;
  std::map<DataSplit, std::vector<fs::path>> files_;
  std::unique_ptr<ds::TokenStream> stream_;
  ds::SkippedFiles* skipped_;
};

// Training batches stream through StoreStream; evaluation reads the split's pieces in store order.
class StoreSource final : public StreamedTokenSource {
 public:
  StoreSource(const repr::Tokenizer& tok, const DataOptions& o, TokenCondition condition, DataUse use)
      : StreamedTokenSource(o, std::move(condition)), store_(o.path) {
    const std::string model_hash = fmt::format("{:016x}", music::corpus::vocab_hash(tok));
    CADENZA_CHECK(tok.name() == store_.tokenizer_name() && model_hash == store_.vocab_hash(),
                  "{}: the store holds {} tokens (vocabulary {}) but the model reads {} tokens (vocabulary {}); a "
                  "model for this store trains with --tokenizer {}",
                  o.path.string(), store_.tokenizer_name(), store_.vocab_size(), tok.name(), tok.vocab_size(),
                  o.path.string());
    CADENZA_CHECK(o.max_transpose == 0,
                  "{}: a corpus store holds encoded tokens, so it cannot be augmented: set max_transpose to 0, not {}",
                  o.path.string(), o.max_transpose);
    for (DataSplit s : kDataSplits) pieces_[s] = store_.pieces_of(dataset_split(s));
    CADENZA_CHECK(use == DataUse::eval || has_split(DataSplit::train), "{}: no piece in the store's training split",
                  o.path.string());
    if (has_split(DataSplit::train)) seek(0);
  }
  bool has_split(DataSplit s) const override { return !pieces_.at(s).empty(); }

 private:
  void restart(const ds::TokenStreamConfig& c) override {
    stream_ = std::make_unique<music::corpus::StoreStream>(store_, dataset_split(DataSplit::train), c);
  }
  std::optional<ds::TokenBatch> stream_next() override { return stream_->next(); }
  std::function<std::optional<TokenSeq>()> sequences(DataSplit split) const override {
    return [this, &pieces = pieces_.at(split), i = size_t{0}]() mutable -> std::optional<TokenSeq> {
      if (i == pieces.size()) return std::nullopt;
      return store_.tokens(pieces[i++]);
    };
  }

  music::corpus::Store store_;
  std::map<DataSplit, std::vector<uint32_t>> pieces_;
  std::unique_ptr<music::corpus::StoreStream> stream_;
};

}  // namespace

std::unique_ptr<DataSource> make_midi_stream_source(std::unique_ptr<repr::Tokenizer> tokenizer,
                                                    const DataOptions& options, TokenCondition condition, DataUse use,
                                                    ds::SkippedFiles& skipped) {
  return std::make_unique<MidiStreamSource>(std::move(tokenizer), options, std::move(condition), use, skipped);
}

std::unique_ptr<DataSource> make_store_source(const repr::Tokenizer& tokenizer, const DataOptions& options,
                                              TokenCondition condition, DataUse use) {
  return std::make_unique<StoreSource>(tokenizer, options, std::move(condition), use);
}

}  // namespace cadenza::models
