#include "models/data.h"

#include "models/bundled_data.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <optional>
#include <regex>

#include "engine/error.h"
#include "models/bundled_data.h"
#include "models/deepbach/chorale_batch.h"
#include "models/deepbach/deepbach.h"
#include "models/gan/musegan.h"
#include "models/gan/musegan_data.h"
#include "models/lstm/performance_condition.h"
#include "music/dataset/augment.h"
#include "music/dataset/batch.h"
#include "ops/copy.h"
#include "music/dataset/rng.h"
#include "music/dataset/skipped_files.h"
#include "music/dataset/split.h"
#include "music/dataset/token_stream.h"
#include "music/repr/json_roll.h"
#include "music/repr/tokenizer.h"
#include "music/repr/trio_windows.h"
#include "music/score/midi_convert.h"

namespace cadenza::models {
namespace fs = std::filesystem;
namespace ds = music::dataset;
namespace repr = music::repr;

using TokenSeq = std::vector<int32_t>;

namespace {

constexpr std::array<const char*, 3> kSplitNames{"train", "valid", "test"};
constexpr int32_t kPadId = 0;  // input value at padded steps (masked out everywhere)

ds::Split to_ds_split(DataSplit s) {
  return s == DataSplit::train ? ds::Split::kTrain : s == DataSplit::valid ? ds::Split::kValid : ds::Split::kTest;
}

// A roll piece as the models see it: one silent frame first (so the piece's first frame
// is predicted), pitches outside the 88 keys dropped (they only occur in MIDI folders).
repr::RollPiece model_roll(repr::RollPiece piece) {
  for (auto& step : piece)
    std::erase_if(step, [](int p) { return p < repr::kRollLowestPitch || p >= repr::kRollLowestPitch + repr::kRollPitches; });
  piece.insert(piece.begin(), repr::RollStep{});
  return piece;
}

// Token windows -> Batch: inputs are steps [0, L), targets [1, L] with -100 at padding;
// with controls, condition row t is the control of the token step t predicts (window
// position t + 1), computed over the window (models/lstm/performance_condition.h).
Batch token_batch(const std::vector<TokenSeq>& windows, int64_t width, const PerformanceControls& controls) {
  const ds::TokenBatch tb = ds::make_token_batch(windows, kPadId, width);
  const int64_t B = tb.batch, L = tb.length - 1;
  std::vector<int64_t> in(B * L), tgt(B * L);
  std::vector<float> mask(B * L);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < L; ++t) {
      const int64_t i = b * L + t, src = b * tb.length + t;
      const bool real = tb.mask[src + 1] != 0;
      in[i] = tb.tokens[src];
      tgt[i] = real ? tb.tokens[src + 1] : -100;
      mask[i] = real ? 1.0f : 0.0f;
    }
  Batch batch{Tensor::from_vector<int64_t>(in, {B, L}), Tensor::from_vector<int64_t>(tgt, {B, L}),
              Tensor::from_vector<float>(mask, {B, L}), Tensor()};
  const int64_t C = controls.size();
  if (C == 0) return batch;
  std::vector<float> cond(B * L * C, 0.0f);  // padded steps stay zero
  for (int64_t b = 0; b < B; ++b) {
    const std::vector<float> rows = performance_condition(windows[b], controls);
    const int64_t n = std::min<int64_t>(static_cast<int64_t>(windows[b].size()) - 1, L);
    for (int64_t t = 0; t < n; ++t) std::copy_n(rows.begin() + (t + 1) * C, C, cond.begin() + (b * L + t) * C);
  }
  batch.condition = Tensor::from_vector<float>(cond, {B, L, C});
  return batch;
}

Batch roll_batch(const std::vector<repr::RollPiece>& windows, int64_t width) {
  const ds::RollBatch rb = ds::make_roll_batch(windows, width);
  const int64_t B = rb.shape[0], W = rb.shape[1], K = rb.shape[2], L = W - 1;
  std::vector<float> in(B * L * K), tgt(B * L * K), mask(B * L);
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t t = 0; t < L; ++t) mask[b * L + t] = rb.mask[b * W + t + 1];
    std::copy_n(rb.data.begin() + b * W * K, L * K, in.begin() + b * L * K);
    std::copy_n(rb.data.begin() + (b * W + 1) * K, L * K, tgt.begin() + b * L * K);
  }
  return {Tensor::from_vector<float>(in, {B, L, K}), Tensor::from_vector<float>(tgt, {B, L, K}),
          Tensor::from_vector<float>(mask, {B, L}), Tensor()};
}

Batch make_batch(const std::vector<TokenSeq>& w, int64_t width, const PerformanceControls& c) {
  return token_batch(w, width, c);
}
Batch make_batch(const std::vector<repr::RollPiece>& w, int64_t width, const PerformanceControls&) {
  return roll_batch(w, width);
}

// Consecutive evaluation windows of `window` + 1 steps overlapping by one, in batches.
template <class Seq>
class EvalBatcher {
 public:
  EvalBatcher(int64_t batch_size, int64_t window, int64_t max_batches, const PerformanceControls& controls,
              const std::function<void(const Batch&)>& fn)
      : batch_size_(batch_size), window_(window), max_batches_(max_batches), controls_(controls), fn_(fn) {}

  void add(const Seq& seq) {
    const int64_t n = static_cast<int64_t>(seq.size());
    const int64_t w = window_ > 0 ? window_ : n - 1;
    for (int64_t s = 0; s + 1 < n && !done(); s += w) {
      pending_.emplace_back(seq.begin() + s, seq.begin() + std::min(n, s + w + 1));
      if (static_cast<int64_t>(pending_.size()) == batch_size_) flush();
    }
  }
  void flush() {
    if (pending_.empty() || done()) return;
    fn_(make_batch(pending_, 0, controls_));
    pending_.clear();
    ++emitted_;
  }
  bool done() const { return max_batches_ > 0 && emitted_ >= max_batches_; }

 private:
  int64_t batch_size_, window_, max_batches_, emitted_ = 0;
  PerformanceControls controls_;
  const std::function<void(const Batch&)>& fn_;
  std::vector<Seq> pending_;
};

uint64_t batch_seed(uint64_t seed, int64_t position) {
  ds::Rng mix(seed);
  return mix.next() ^ ds::Rng(static_cast<uint64_t>(position) * 0xD1B54A32D192ED03ull).next();
}

std::unique_ptr<repr::Tokenizer> tokenizer_of(const Model& model) {
  if (model.data_kind() == DataKind::roll) return nullptr;
  CADENZA_CHECK(!model.tokenizer().empty(), "model '{}' reads tokens but names no tokenizer", model.name());
  return repr::make_tokenizer(model.tokenizer());
}

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
  for (const char* split : kSplitNames) {
    const fs::path sibling = path.parent_path() / fmt::format("{}_{}.json", m[1].str(), split);
    if (sibling == path || !fs::exists(sibling)) continue;
    for (auto& [key, pieces] : load(sibling).splits) corpus.splits.emplace(key, std::move(pieces));
  }
  return corpus;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Sources.

class Dataset::Source {
 public:
  virtual ~Source() = default;
  virtual Batch next() = 0;
  virtual void seek(int64_t position) = 0;
  virtual bool has_split(DataSplit split) const = 0;
  virtual void for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn,
                                   int64_t max_batches) const = 0;
  int64_t position = 0;
};

namespace {

// Every split in memory; batch p is drawn with an RNG seeded by (seed, p).
template <class Seq>
class MemorySource final : public Dataset::Source {
 public:
  MemorySource(std::map<DataSplit, std::vector<Seq>> splits, const DataOptions& o, PerformanceControls controls = {})
      : splits_(std::move(splits)), o_(o), controls_(controls) {}

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
    return make_batch(rows, o_.length + 1, controls_);
  }
  void seek(int64_t p) override { position = p; }
  bool has_split(DataSplit s) const override { return splits_.count(s) && !splits_.at(s).empty(); }
  void for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn,
                           int64_t max_batches) const override {
    // Rolls default to whole pieces (the published NLLs carry the state through a piece);
    // token sequences can be far longer than anything a model saw, so windows of `length`.
    constexpr bool kRoll = std::is_same_v<Seq, repr::RollPiece>;
    EvalBatcher<Seq> batcher(o_.batch_size, o_.eval_length > 0 || kRoll ? o_.eval_length : o_.length, max_batches,
                             controls_, fn);
    for (const Seq& seq : splits_.at(split)) batcher.add(seq);
    batcher.flush();
  }

 private:
  std::map<DataSplit, std::vector<Seq>> splits_;
  DataOptions o_;
  PerformanceControls controls_;
};

// Token models on a folder of MIDI files: training batches stream through TokenStream;
// evaluation reads the split's files one at a time.
class MidiStreamSource final : public Dataset::Source {
 public:
  MidiStreamSource(std::unique_ptr<repr::Tokenizer> tok, const DataOptions& o, PerformanceControls controls,
                   ds::SkippedFiles& skipped)
      : tok_(std::move(tok)), o_(o), controls_(controls), skipped_(&skipped) {
    for (DataSplit s : {DataSplit::train, DataSplit::valid, DataSplit::test})
      files_[s] = ds::midi_files(o.path, to_ds_split(s), {}, 0);
    CADENZA_CHECK(!files_[DataSplit::train].empty(), "{}: no MIDI files in the training split", o.path.string());
    seek(0);
  }

  Batch next() override {
    std::optional<ds::TokenBatch> tb = stream_->next();
    if (!tb) tb = stream_->next();  // a new epoch
    CADENZA_CHECK(tb.has_value(), "{}: no readable MIDI file in the training split", o_.path.string());
    ++position;
    std::vector<TokenSeq> rows;
    for (int64_t b = 0; b < tb->batch; ++b) {
      TokenSeq row;
      for (int64_t t = 0; t < tb->length && tb->mask[b * tb->length + t]; ++t) row.push_back(tb->tokens[b * tb->length + t]);
      rows.push_back(std::move(row));
    }
    return token_batch(rows, o_.length + 1, controls_);
  }
  void seek(int64_t p) override {
    ds::TokenStreamConfig c;
    c.batch_size = o_.batch_size;
    c.window = o_.length + 1;
    c.max_transpose = o_.max_transpose;
    c.pad_id = kPadId;
    c.seed = o_.seed;
    stream_ = std::make_unique<ds::TokenStream>(files_.at(DataSplit::train), *tok_, c, skipped_);
    for (position = 0; position < p;) next();
  }
  bool has_split(DataSplit s) const override { return !files_.at(s).empty(); }
  void for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn,
                           int64_t max_batches) const override {
    EvalBatcher<TokenSeq> batcher(o_.batch_size, o_.eval_length > 0 ? o_.eval_length : o_.length, max_batches,
                                  controls_, fn);
    for (const fs::path& file : files_.at(split)) {
      if (batcher.done()) break;
      try {
        batcher.add(tok_->encode(music::load_midi(file)));
      } catch (const std::exception& e) {
        skipped_->add(file, e.what());
      }
    }
    batcher.flush();
  }

 private:
  std::unique_ptr<repr::Tokenizer> tok_;
  DataOptions o_;
  PerformanceControls controls_;
  std::map<DataSplit, std::vector<fs::path>> files_;
  std::unique_ptr<ds::TokenStream> stream_;
  ds::SkippedFiles* skipped_;
};

// The splits of a corpus as roll pieces: from a JSON file, or every MIDI file of a folder.
// Chorale models (deepbach): the SATB grids of every split in memory, encoded with the
// model's voice ranges; batch p is random_chorale_batch(..., p), so seek is exact.
class ChoraleSource final : public Dataset::Source {
 public:
  ChoraleSource(const deepbach::DeepBach& model, const DataOptions& o)
      : window_(model.settings().window), o_(o) {
    CADENZA_CHECK(o.max_transpose == 0, "{}: chorale data cannot be transposed (max_transpose {}): the voices would "
                  "leave the model's ranges", o.path.string(), o.max_transpose);
    for (auto& [key, chorales] : deepbach::load_separated_chorales(o.path)) {
      std::vector<deepbach::ChoraleGrid>& grids = splits_[parse_data_split(key)];
      for (const auto& c : chorales)
        if (!c.empty()) grids.push_back(deepbach::encode_chorale(c, model.settings().ranges));
    }
    CADENZA_CHECK(has_split(DataSplit::train), "{}: no training chorales", o.path.string());
  }

  Batch next() override {
    return deepbach::random_chorale_batch(splits_.at(DataSplit::train), window_, o_.batch_size, o_.seed, position++);
  }
  void seek(int64_t p) override { position = p; }
  bool has_split(DataSplit s) const override { return splits_.count(s) && !splits_.at(s).empty(); }
  void for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn,
                           int64_t max_batches) const override {
    const std::vector<Batch> batches = deepbach::eval_chorale_batches(splits_.at(split), window_, o_.batch_size);
    const size_t n = max_batches > 0 ? std::min(batches.size(), size_t(max_batches)) : batches.size();
    for (size_t i = 0; i < n; ++i) fn(batches[i]);
  }

 private:
  int64_t window_;
  DataOptions o_;
  std::map<DataSplit, std::vector<deepbach::ChoraleGrid>> splits_;
};

// Multi-track bars (musegan): every split's phrases in memory, sparse
// (models/gan/musegan_data.h); batch p holds batch_size phrases drawn with an RNG seeded
// by (seed, p), so seek is exact. Evaluation walks a split's phrases in order.
class BarsSource final : public Dataset::Source {
 public:
  BarsSource(const MuseGan& model, const DataOptions& o, ds::SkippedFiles& skipped) : o_(o) {
    const MuseGanConfig& c = model.gan_config();
    CADENZA_CHECK(c.tracks == kMuseGanTracks, "musegan: the MIDI data gives {} tracks, the model has {}",
                  kMuseGanTracks, c.tracks);
    CADENZA_CHECK(o.max_transpose == 0, "{}: musegan bars are not transposed (max_transpose {})", o.path.string(),
                  o.max_transpose);
    CADENZA_CHECK(fs::is_directory(o.path), "{}: musegan reads a folder of multitrack MIDI files, not a file",
                  o.path.string());
    bars_ = {.bars = c.bars, .steps_per_bar = c.steps, .lowest_pitch = c.lowest_pitch, .pitches = c.pitches};
    for (DataSplit s : {DataSplit::train, DataSplit::valid, DataSplit::test})
      for (const fs::path& file : ds::midi_files(o.path, to_ds_split(s), {}, 0)) try {
          for (auto& phrase : musegan_phrases(file, bars_)) splits_[s].push_back(std::move(phrase));
        } catch (const std::exception& e) {
          skipped.add(file, e.what());
        }
    CADENZA_CHECK(has_split(DataSplit::train), "{}: no training phrase with notes (want multitrack MIDI files)",
                  o.path.string());
  }

  Batch next() override {
    const auto& phrases = splits_.at(DataSplit::train);
    ds::Rng rng(batch_seed(o_.seed, position++));
    std::vector<const MuseGanPhrase*> rows;
    for (int64_t b = 0; b < o_.batch_size; ++b) rows.push_back(&phrases[rng.below(phrases.size())]);
    return {musegan_bars(rows, bars_), Tensor(), Tensor(), Tensor()};
  }
  void seek(int64_t p) override { position = p; }
  bool has_split(DataSplit s) const override { return splits_.count(s) && !splits_.at(s).empty(); }
  void for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn,
                           int64_t max_batches) const override {
    const auto& phrases = splits_.at(split);
    int64_t emitted = 0;
    for (size_t start = 0; start < phrases.size() && (max_batches == 0 || emitted < max_batches); ++emitted) {
      std::vector<const MuseGanPhrase*> rows;
      for (; start < phrases.size() && int64_t(rows.size()) < o_.batch_size; ++start) rows.push_back(&phrases[start]);
      fn({musegan_bars(rows, bars_), Tensor(), Tensor(), Tensor()});
    }
  }

 private:
  DataOptions o_;
  MuseGanDataOptions bars_;
  std::map<DataSplit, std::vector<MuseGanPhrase>> splits_;
};

// Trio windows (music_vae's trio setting): every split's pieces in memory with their
// window starts; batch p draws batch_size (piece, start) pairs with an RNG seeded by
// (seed, p), so seek is exact.
class TrioSource final : public Dataset::Source {
 public:
  TrioSource(const DataOptions& o, ds::SkippedFiles& skipped) : o_(o) {
    CADENZA_CHECK(fs::is_directory(o.path), "{}: trio models read a folder of multitrack MIDI files, not a file",
                  o.path.string());
    CADENZA_CHECK(o.max_transpose == 0, "{}: trios are not transposed (max_transpose {}): drums have no pitch",
                  o.path.string(), o.max_transpose);
    CADENZA_CHECK(o.steps_per_quarter == tok_.config().steps_per_quarter(),
                  "{}: trios are on a grid of {} steps per quarter, not {}", o.path.string(),
                  tok_.config().steps_per_quarter(), o.steps_per_quarter);
    const int64_t bar = 4 * int64_t(o.steps_per_quarter);
    CADENZA_CHECK(o.length % bar == 0, "trio windows are whole 4/4 bars of {} steps; length {} is not", bar, o.length);
    const repr::TrioWindowOptions windows{.bars = o.length / bar};
    for (DataSplit s : {DataSplit::train, DataSplit::valid, DataSplit::test})
      for (const fs::path& file : ds::midi_files(o.path, to_ds_split(s), {}, 0)) try {
          repr::TrioPiece piece = repr::trio_piece(music::load_midi(file), tok_, windows);
          if (piece.window_starts.empty()) continue;
          for (int64_t start : piece.window_starts) windows_[s].push_back({pieces_.size(), start});
          pieces_.push_back(std::move(piece));
        } catch (const std::exception& e) {
          skipped.add(file, e.what());
        }
    CADENZA_CHECK(has_split(DataSplit::train),
                  "{}: no trio window in the training split (want {} bars of 4/4 where a melody track (GM program "
                  "0-31), a bass track (32-39) and drums (channel 10) all play)",
                  o.path.string(), windows.bars);
  }

  Batch next() override {
    const auto& windows = windows_.at(DataSplit::train);
    ds::Rng rng(batch_seed(o_.seed, position++));
    std::vector<Window> rows;
    for (int64_t b = 0; b < o_.batch_size; ++b) rows.push_back(windows[rng.below(windows.size())]);
    return batch(rows);
  }
  void seek(int64_t p) override { position = p; }
  bool has_split(DataSplit s) const override { return windows_.count(s) && !windows_.at(s).empty(); }
  void for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn,
                           int64_t max_batches) const override {
    // Windows start at every bar; evaluation takes those that do not overlap, so each step
    // of the split counts once.
    std::vector<Window> rows;
    int64_t emitted = 0;
    size_t last_piece = SIZE_MAX;
    int64_t free_from = 0;
    for (const Window& w : windows_.at(split)) {
      if (max_batches > 0 && emitted == max_batches) return;
      if (w.piece == last_piece && w.start < free_from) continue;
      last_piece = w.piece, free_from = w.start + o_.length;
      rows.push_back(w);
      if (int64_t(rows.size()) == o_.batch_size) {
        fn(batch(rows));
        rows.clear();
        ++emitted;
      }
    }
    if (!rows.empty() && (max_batches == 0 || emitted < max_batches)) fn(batch(rows));
  }

 private:
  struct Window {
    size_t piece;
    int64_t start;
  };
  Batch batch(const std::vector<Window>& rows) const {
    const int64_t B = int64_t(rows.size()), L = o_.length;
    std::vector<int64_t> tokens;
    tokens.reserve(size_t(B * L));
    for (const Window& w : rows) {
      const auto& t = pieces_[w.piece].tokens;
      tokens.insert(tokens.end(), t.begin() + w.start, t.begin() + w.start + L);
    }
    const Tensor x = Tensor::from_vector<int64_t>(tokens, {B, L});
    return {x, x, Tensor::ones({B, L}), Tensor()};
  }

  DataOptions o_;
  repr::TrioTokenizer tok_;
  std::vector<repr::TrioPiece> pieces_;
  std::map<DataSplit, std::vector<Window>> windows_;
};

std::unique_ptr<Dataset::Source> make_bars_source(const Model& model, const DataOptions& o, ds::SkippedFiles& skipped) {
  const auto* gan = dynamic_cast<const MuseGan*>(&model);
  CADENZA_CHECK(gan, "model '{}' reads multi-track bars, but only musegan models know their layout", model.name());
  return std::make_unique<BarsSource>(*gan, o, skipped);
}

std::unique_ptr<Dataset::Source> make_chorale_source(const Model& model, const DataOptions& o) {
  const auto* deepbach = dynamic_cast<const deepbach::DeepBach*>(&model);
  CADENZA_CHECK(deepbach, "model '{}' reads chorales, but only deepbach models know the chorale grid", model.name());
  return std::make_unique<ChoraleSource>(*deepbach, o);
}

std::map<DataSplit, std::vector<repr::RollPiece>> load_roll_splits(const DataOptions& o, ds::SkippedFiles& skipped) {
  std::map<DataSplit, std::vector<repr::RollPiece>> out;
  if (fs::is_directory(o.path)) {
    for (DataSplit s : {DataSplit::train, DataSplit::valid, DataSplit::test})
      for (const fs::path& file : ds::midi_files(o.path, to_ds_split(s), {}, 0)) try {
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

std::unique_ptr<Dataset::Source> make_source(const Model& model, const DataOptions& o, ds::SkippedFiles& skipped) {
  if (model.data_kind() == DataKind::chorale) return make_chorale_source(model, o);
  if (model.data_kind() == DataKind::bars) return make_bars_source(model, o, skipped);
  if (model.data_kind() == DataKind::trio) return std::make_unique<TrioSource>(o, skipped);
  std::unique_ptr<repr::Tokenizer> tok = tokenizer_of(model);
  // Performance RNN's conditioning, when the model's config turns it on.
  const PerformanceControls controls =
      tok && tok->name() == "performance" ? performance_controls(model.config()) : PerformanceControls{};
  if (tok && fs::is_directory(o.path)) return std::make_unique<MidiStreamSource>(std::move(tok), o, controls, skipped);
  std::map<DataSplit, std::vector<repr::RollPiece>> rolls = load_roll_splits(o, skipped);
  CADENZA_CHECK(rolls.count(DataSplit::train) && !rolls[DataSplit::train].empty(), "{}: no training pieces",
                o.path.string());
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
  CADENZA_CHECK(!tokens[DataSplit::train].empty(), "{}: no training piece gives two or more '{}' tokens",
                o.path.string(), tok->name());
  return std::make_unique<MemorySource<TokenSeq>>(std::move(tokens), o, controls);
}

}  // namespace

// ---------------------------------------------------------------------------------------

int default_steps_per_quarter(const fs::path& path) {
  const std::string name = path.filename().string();
  if (name.find("quarter") != std::string::npos) return 1;
  if (name.find("8th") != std::string::npos) return 2;
  return 4;
}

DataSplit parse_data_split(const std::string& name) {
  for (size_t i = 0; i < kSplitNames.size(); ++i)
    if (name == kSplitNames[i]) return static_cast<DataSplit>(i);
  fail("unknown split '{}' (known: train, valid, test)", name);
}

nlohmann::json to_json(const DataOptions& o) {
  return {{"path", o.path.string()},     {"batch_size", o.batch_size},
          {"length", o.length},          {"eval_length", o.eval_length},
          {"steps_per_quarter", o.steps_per_quarter}, {"max_transpose", o.max_transpose},
          {"seed", o.seed},              {"strict_data", o.strict_data}};
}

void update_from_json(DataOptions& o, const nlohmann::json& j) {
  CADENZA_CHECK(j.is_object(), "data options must be a JSON object, not {}", j.dump());
  for (const auto& [key, v] : j.items()) {
    try {
      if (key == "path") o.path = v.get<std::string>();
      else if (key == "batch_size") o.batch_size = v.get<int64_t>();
      else if (key == "length") o.length = v.get<int64_t>();
      else if (key == "eval_length") o.eval_length = v.get<int64_t>();
      else if (key == "steps_per_quarter") o.steps_per_quarter = v.get<int>();
      else if (key == "max_transpose") o.max_transpose = v.get<int>();
      else if (key == "seed") o.seed = v.get<uint64_t>();
      else if (key == "strict_data") o.strict_data = v.get<bool>();
      else fail("unknown data option '{}'", key);
    } catch (const nlohmann::json::exception&) {
      fail("data option '{}' has the wrong type: {}", key, v.dump());
    }
  }
}

void validate(const DataOptions& o) {
  CADENZA_CHECK(o.batch_size > 0, "batch size must be positive, not {}", o.batch_size);
  CADENZA_CHECK(o.length > 0, "sequence length must be positive, not {}", o.length);
  CADENZA_CHECK(o.eval_length >= 0, "eval_length must be 0 (whole pieces) or positive, not {}", o.eval_length);
  CADENZA_CHECK(o.steps_per_quarter > 0 && o.steps_per_quarter <= 96,
                "steps_per_quarter must be in 1..96, not {}", o.steps_per_quarter);
  CADENZA_CHECK(o.max_transpose >= 0 && o.max_transpose <= 12, "max_transpose must be in 0..12, not {}", o.max_transpose);
}

const char* step_unit(DataKind kind) {
  switch (kind) {
    case DataKind::tokens: return "token";
    case DataKind::roll: return "frame";
    case DataKind::chorale: return "voice-step";
    case DataKind::bars: return "example";
    case DataKind::trio: return "trio-step";
  }
  return "step";
}

std::string describe_validation(DataKind kind, double loss, double accuracy) {
  if (kind == DataKind::bars) return fmt::format("valid critic gap {:.4f} (E[D(fake)] - E[D(real)])", loss);
  return fmt::format("valid NLL {:.4f} nats/{}, accuracy {:.3f}", loss, step_unit(kind), accuracy);
}

fs::path default_corpus_path(DataKind kind) {
  // No multitrack corpus is bundled (MuseGAN's LPD-5 is far too large to ship).
  CADENZA_CHECK(kind != DataKind::bars && kind != DataKind::trio,
                "{} needs --data FOLDER of multitrack MIDI files (e.g. ../shared/data/freedoom_music); no "
                "multitrack corpus is bundled", kind == DataKind::bars ? "musegan" : "a trio music_vae");
  return bundled_data_file(kind == DataKind::chorale ? "Jsb16thSeparated.json" : "jsb-chorales-quarter.json");
}

Dataset::Dataset(const Model& model, DataOptions options) : options_(std::move(options)) {
  if (options_.steps_per_quarter == 0) options_.steps_per_quarter = default_steps_per_quarter(options_.path);
  validate(options_);
  CADENZA_CHECK(fs::exists(options_.path), "{}: no such corpus (want a JSON piano-roll file or a folder of MIDI files)",
                options_.path.string());
  skipped_ = std::make_unique<ds::SkippedFiles>(options_.strict_data);
  source_ = make_source(model, options_, *skipped_);
}

Dataset::~Dataset() = default;
Dataset::Dataset(Dataset&&) noexcept = default;

Batch Dataset::next_train_batch() { return source_->next(); }
int64_t Dataset::position() const { return source_->position; }
void Dataset::seek(int64_t position) { source_->seek(position); }
bool Dataset::has_split(DataSplit split) const { return source_->has_split(split); }

void Dataset::for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn,
                                  int64_t max_batches) const {
  CADENZA_CHECK(has_split(split), "{}: the corpus has no {} split", options_.path.string(),
                kSplitNames[static_cast<size_t>(split)]);
  source_->for_each_eval_batch(split, fn, max_batches);
}

Batch to_device(const Batch& batch, Device device) {
  auto move = [&](const Tensor& t) { return t.defined() ? to(t, device) : t; };
  return {move(batch.inputs), move(batch.targets), move(batch.mask), move(batch.condition)};
}

}  // namespace cadenza::models
