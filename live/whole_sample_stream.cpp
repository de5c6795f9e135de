// Any other model: one Model::sample() per continuation, then streamed (note_stream.h).
// The first event waits for the whole continuation, so this is the slow path; the
// families `cadenza live` is measured with stream by step.
#include <algorithm>
#include <cmath>

#include "live/note_stream_kinds.h"

namespace cadenza::live {
namespace {

// Sampled steps per quarter note asked of a model whose step is not known here: enough
// for a sixteenth-note grid twice over; what lies past the requested length is cut.
constexpr double kStepsPerQuarter = 8;

class WholeSampleStream : public NoteStream {
 public:
  explicit WholeSampleStream(std::shared_ptr<models::Model> model) : model_(std::move(model)) {}

  void start(const StreamRequest& r, Generator& gen) override {
    events_.clear();
    next_ = 0;
    const double quarters = r.seconds * r.tempo_bpm / 60.0;
    models::SampleOptions o;
    o.length = std::max<int64_t>(1, std::llround(quarters * kStepsPerQuarter));
    o.temperature = r.temperature;
    if (r.primer.note_count() > 0) o.primer = r.primer;
    const double primer_quarters = double(r.primer.end_tick()) / r.primer.ticks_per_quarter;
    music::Score made = model_->sample(o, gen);
    const double seconds_per_quarter = 60.0 / r.tempo_bpm;
    for (const music::Track& track : made.tracks) {
      if (track.is_drum) continue;
      for (const music::Note& n : track.notes) {
        const double on = double(n.start) / made.ticks_per_quarter - primer_quarters;
        if (on < 0 || on * seconds_per_quarter >= r.seconds) continue;
        const double off = std::min(double(n.end) / made.ticks_per_quarter - primer_quarters, quarters);
        events_.push_back({on * seconds_per_quarter, true, n.pitch, std::max<uint8_t>(n.velocity, 1)});
        events_.push_back({std::max(off, on) * seconds_per_quarter, false, n.pitch, 0});
      }
    }
    // By time; at one instant releases first, so a re-struck key is heard.
    std::stable_sort(events_.begin(), events_.end(), [](const GenEvent& a, const GenEvent& b) {
      return a.time < b.time || (a.time == b.time && !a.on && b.on);
    });
  }

  bool step(std::vector<GenEvent>& out) override {
    if (next_ >= events_.size()) return false;
    out.insert(out.end(), events_.begin() + long(next_), events_.end());
    next_ = events_.size();
    return true;
  }

 private:
  std::shared_ptr<models::Model> model_;
  std::vector<GenEvent> events_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<NoteStream> make_whole_sample_stream(const std::shared_ptr<models::Model>& model) {
  return std::make_unique<WholeSampleStream>(model);
}

}  // namespace cadenza::live
