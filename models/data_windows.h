#pragma once
// Windows of token sequences and piano rolls as Batches (models/data.h states the layout):
// training windows, and the two evaluation layouts — in corpus order (EvalBatcher) or
// sequences side by side in lanes with Batch.carry (LaneBatcher).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <type_traits>
#include <vector>

#include "models/data_stages.h"

namespace cadenza::models {

using TokenSeq = std::vector<int32_t>;
inline constexpr int32_t kTokenPadId = 0;  // input value at padded steps (masked out everywhere)

// Token windows -> Batch: inputs are steps [0, L), targets [1, L] with -100 at padding;
// with a condition, condition row t is the control of the token step t predicts (window
// position t + 1), computed over the window unless `rows` gives each window's rows (an
// evaluation window's, cut from its whole piece's).
Batch token_batch(const std::vector<TokenSeq>& windows, int64_t width, const TokenCondition& condition,
                  const std::vector<std::vector<float>>* rows = nullptr);
// Roll windows -> Batch: inputs frames [0, L), targets frames [1, L].
Batch roll_batch(const std::vector<music::repr::RollPiece>& windows, int64_t width);

inline Batch make_batch(const std::vector<TokenSeq>& w, int64_t width, const TokenCondition& c,
                        const std::vector<std::vector<float>>* rows = nullptr) {
  return token_batch(w, width, c, rows);
}
inline Batch make_batch(const std::vector<music::repr::RollPiece>& w, int64_t width, const TokenCondition&,
                        const std::vector<std::vector<float>>* = nullptr) {
  return roll_batch(w, width);
}

// Evaluation windows in corpus order (EvalLayout::in_order): consecutive windows of
// `window` + 1 steps overlapping by one, each a sequence of its own, in batches.
template <class Seq>
class EvalBatcher {
 public:
  EvalBatcher(int64_t batch_size, int64_t window, int64_t max_batches, const TokenCondition& condition,
              const std::function<void(const Batch&)>& fn)
      : batch_size_(batch_size), window_(window), max_batches_(max_batches), condition_(condition), fn_(fn) {}

  void add(const Seq& seq) {
    const int64_t n = static_cast<int64_t>(seq.size());
    for (int64_t s = 0; s + 1 < n && !done(); s += window_) {
      pending_.emplace_back(seq.begin() + s, seq.begin() + std::min(n, s + window_ + 1));
      if (static_cast<int64_t>(pending_.size()) == batch_size_) flush();
    }
  }
  void flush() {
    if (pending_.empty() || done()) return;
    fn_(make_batch(pending_, 0, condition_));
    pending_.clear();
    ++emitted_;
  }
  bool done() const { return max_batches_ > 0 && emitted_ >= max_batches_; }

 private:
  int64_t batch_size_, window_, max_batches_, emitted_ = 0;
  const TokenCondition& condition_;
  const std::function<void(const Batch&)>& fn_;
  std::vector<Seq> pending_;
};

// Evaluation windows in lanes (EvalLayout::carried): up to `batch_size` sequences are
// walked side by side, each row of a batch the next window (`window` + 1 steps, one
// overlapping the previous window) of one sequence, and Batch.carry names the row of the
// previous batch the sequence was in, so a recurrent model carries its state. A sequence
// that ends frees its lane for the next one of the split (carry -1); once the split runs
// out, batches shrink. Each batch holds at most batch_size x window steps however long
// the sequences are, and only the sequences in a lane are held (a MIDI folder is read
// file by file). A condition is computed over the whole sequence, so a window's rows are
// those it has within the piece.
template <class Seq>
class LaneBatcher {
 public:
  using Next = std::function<std::optional<Seq>()>;  // the split's next sequence; nullopt at its end
  LaneBatcher(int64_t batch_size, int64_t window, int64_t max_batches, const TokenCondition& condition)
      : batch_size_(batch_size), window_(window), max_batches_(max_batches), condition_(condition) {}

  void run(const Next& next, const std::function<void(const Batch&)>& fn) {
    std::vector<Lane> lanes;
    bool more = true;
    for (int64_t emitted = 0; max_batches_ == 0 || emitted < max_batches_; ++emitted) {
      while (more && static_cast<int64_t>(lanes.size()) < batch_size_) {
        std::optional<Seq> seq = next();
        if (!seq)
          more = false;
        else if (seq->size() >= 2)
          lanes.push_back(lane(std::move(*seq)));  // one step predicts nothing
      }
      if (lanes.empty()) return;
      std::vector<Seq> windows;
      std::vector<std::vector<float>> rows;
      std::vector<int64_t> carry;
      const int64_t C = condition_.width;
      for (const Lane& l : lanes) {
        const int64_t end = std::min<int64_t>(static_cast<int64_t>(l.seq.size()), l.pos + window_ + 1);
        windows.emplace_back(l.seq.begin() + l.pos, l.seq.begin() + end);
        if (C > 0) rows.emplace_back(l.rows.begin() + l.pos * C, l.rows.begin() + end * C);
        carry.push_back(l.row);
      }
      Batch batch = make_batch(windows, 0, condition_, C > 0 ? &rows : nullptr);
      batch.carry = Tensor::from_vector<int64_t>(carry, {static_cast<int64_t>(carry.size())});
      fn(batch);
      std::vector<Lane> kept;
      for (size_t b = 0; b < lanes.size(); ++b) {
        Lane& l = lanes[b];
        l.pos += window_, l.row = static_cast<int64_t>(b);
        if (l.pos + 1 < static_cast<int64_t>(l.seq.size())) kept.push_back(std::move(l));
      }
      lanes = std::move(kept);
    }
  }

 private:
  struct Lane {
    Seq seq;
    std::vector<float> rows;  // the whole sequence's condition rows (tokens with a condition)
    int64_t pos = 0;          // first step of the next window
    int64_t row = -1;         // the row it had in the previous batch
  };
  Lane lane(Seq seq) const {
    Lane l{std::move(seq), {}, 0, -1};
    if constexpr (std::is_same_v<Seq, TokenSeq>)
      if (condition_.width > 0) l.rows = condition_.rows(l.seq);
    return l;
  }

  int64_t batch_size_, window_, max_batches_;
  const TokenCondition& condition_;
};

}  // namespace cadenza::models
