#pragma once
// The kinds of NoteStream make_note_stream chooses from (note_stream.h), one file each.
#include <memory>
#include <span>

#include "engine/tensor.h"
#include "live/note_stream.h"

namespace cadenza::live {

// A token model driven one token at a time, its context (recurrent state or key/value
// cache) kept between calls. Both return the logits [1, V] of the token that follows.
class TokenStepper {
 public:
  virtual ~TokenStepper() = default;
  // A fresh context: the primer's tokens (possibly none) in one call.
  virtual Tensor prime(std::span<const int32_t> tokens, double density) = 0;
  virtual Tensor step(int32_t token) = 0;
};

// nullptr when the model is not of that kind.
std::unique_ptr<NoteStream> make_performance_stream(const std::shared_ptr<models::Model>& model);
std::unique_ptr<NoteStream> make_roll_stream(const std::shared_ptr<models::Model>& model);
// Any model: Model::sample() once per continuation.
std::unique_ptr<NoteStream> make_whole_sample_stream(const std::shared_ptr<models::Model>& model);

}  // namespace cadenza::live
