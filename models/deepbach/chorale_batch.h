#pragma once
// Batches of DeepBach training examples: windows of the chorale grid centred on the
// predicted step (models/deepbach/deepbach.h describes the layout).
//
// A training batch takes B steps drawn uniformly over every step of every chorale
// (longer chorales give more examples, as DeepBach's random positions do); batch p
// depends only on (pieces, seed, p), so a resumed run sees the same batches. Evaluation
// visits every step of every chorale once, in order, so the summed NLL over the batches
// divided by their counted cells is the NLL per voice-step of the whole split.
#include <cstdint>
#include <functional>
#include <vector>

#include "models/deepbach/chorale_grid.h"
#include "models/model.h"

namespace cadenza::models::deepbach {

struct WindowRef {
  const ChoraleGrid* grid;
  int64_t step;           // the centre, in [0, grid->steps)
  int32_t transpose = 0;  // semitones added to every pitch of the window (a hold stays a hold)
};

// inputs i64 [B, 2W+1, 4] (kStart / kEnd outside the chorale), condition f32 [B, 2W+1, 2]
// (bar position, fermata), targets i64 [B, 4] (class = centre token - kPadTokens),
// mask f32 [B, 4] of ones.
Batch window_batch(const std::vector<WindowRef>& refs, int64_t window);

// With max_transpose > 0 each window is transposed by a shift drawn uniformly from those
// within +-max_transpose that keep every pitch of the window inside its voice's range (as
// DeepBach trains on every transposition of a chorale that fits the ranges; there, per
// window too). ranges: the model's.
Batch random_chorale_batch(const std::vector<ChoraleGrid>& pieces, int64_t window, int64_t batch_size, uint64_t seed,
                           int64_t batch_index, const VoiceRanges& ranges = {}, int max_transpose = 0);

// Every step of every chorale once, in order, batch_size steps per batch, each batch built
// only when `fn` is about to see it (memory bounded by one batch, not the split); at
// most max_batches (0: all).
void for_each_eval_chorale_batch(const std::vector<ChoraleGrid>& pieces, int64_t window, int64_t batch_size,
                                 const std::function<void(const Batch&)>& fn, int64_t max_batches = 0);

}  // namespace cadenza::models::deepbach
