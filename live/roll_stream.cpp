// poly_rnn, one piano-roll frame per step (note_stream.h).
#include <algorithm>
#include <array>
#include <cmath>

#include "engine/autograd.h"
#include "live/note_stream_kinds.h"
#include "models/lstm/poly_rnn.h"
#include "music/repr/json_roll.h"
#include "ops/ops.h"

namespace cadenza::live {
namespace {

using music::repr::kRollLowestPitch;
using music::repr::kRollPitches;

constexpr size_t kPrimerFrames = 64;  // the primer's newest frames (see performance_stream.cpp)
constexpr uint8_t kVelocity = 80;     // frames carry no dynamics

class RollStream : public NoteStream {
 public:
  explicit RollStream(std::shared_ptr<models::PolyRnn> model)
      : model_(std::move(model)), steps_per_quarter_(model_->config().value("steps_per_quarter", int64_t(1))) {}

  void start(const StreamRequest& r, Generator& gen) override {
    gen_ = &gen;
    temperature_ = r.temperature;
    frame_seconds_ = 60.0 / r.tempo_bpm / double(steps_per_quarter_);
    frames_ = std::max<int64_t>(1, std::llround(r.seconds / frame_seconds_));
    made_ = 0;
    on_.fill(false);
    closed_ = false;
    music::repr::RollPiece piece = music::repr::score_to_roll_piece(r.primer, int(steps_per_quarter_));
    if (piece.size() > kPrimerFrames) piece.erase(piece.begin(), piece.end() - kPrimerFrames);
    // The silent start frame, then the primer, in one call (as PolyRnn::sample).
    std::vector<float> prefix(size_t(kRollPitches) * (piece.size() + 1), 0.f);
    for (size_t s = 0; s < piece.size(); ++s)
      for (int p : piece[s])
        if (p >= kRollLowestPitch && p < kRollLowestPitch + kRollPitches)
          prefix[(s + 1) * kRollPitches + size_t(p - kRollLowestPitch)] = 1.f;
    NoGradGuard no_grad;
    nn::EvalScope eval(*model_);
    state_ = {};
    const int64_t steps = int64_t(piece.size()) + 1;
    hidden_ = last(model_->step(Tensor::from_vector<float>(prefix, {1, steps, kRollPitches}), state_));
  }

  bool step(std::vector<GenEvent>& out) override {
    if (closed_) return false;
    const double t = double(made_) * frame_seconds_;
    if (made_ >= frames_) {
      for (int k = 0; k < kRollPitches; ++k)
        if (on_[size_t(k)]) out.push_back({t, false, uint8_t(kRollLowestPitch + k), 0});
      on_.fill(false);
      closed_ = true;
      return false;
    }
    NoGradGuard no_grad;
    nn::EvalScope eval(*model_);
    Tensor frame = model_->next_frames(hidden_, temperature_, gen_);  // [1, 88]
    std::vector<float> bits = frame.to_vector<float>();
    // Releases before strikes at one instant, so a synth never sees a note-on it then cuts.
    for (int k = 0; k < kRollPitches; ++k)
      if (on_[size_t(k)] && bits[size_t(k)] <= 0.5f) {
        out.push_back({t, false, uint8_t(kRollLowestPitch + k), 0});
        on_[size_t(k)] = false;
      }
    for (int k = 0; k < kRollPitches; ++k)
      if (!on_[size_t(k)] && bits[size_t(k)] > 0.5f) {
        out.push_back({t, true, uint8_t(kRollLowestPitch + k), kVelocity});
        on_[size_t(k)] = true;
      }
    ++made_;
    hidden_ = last(model_->step(reshape(frame, {1, 1, kRollPitches}), state_));
    return true;
  }

 private:
  static Tensor last(const Tensor& hidden) {
    return reshape(narrow(hidden, 1, hidden.size(1) - 1, 1), {1, hidden.size(-1)});
  }

  std::shared_ptr<models::PolyRnn> model_;
  int64_t steps_per_quarter_;
  Generator* gen_ = nullptr;
  double frame_seconds_ = 0.5;
  int64_t frames_ = 0, made_ = 0;
  LstmState state_;
  Tensor hidden_;
  std::array<bool, kRollPitches> on_{};
  bool closed_ = false;
};

}  // namespace

std::unique_ptr<NoteStream> make_roll_stream(const std::shared_ptr<models::Model>& model) {
  if (auto poly = std::dynamic_pointer_cast<models::PolyRnn>(model)) return std::make_unique<RollStream>(poly);
  return nullptr;
}

}  // namespace cadenza::live
