#pragma once
// A model's continuation as a stream of note events, sampled one model step at a time, so
// the first note can be played long before the continuation is complete: the first-event
// latency is a few steps, not the whole continuation. One implementation per kind of
// model:
//   - token models on the "performance" representation (performance_rnn, a
//     music_transformer on performance events): each sampled NOTE_ON/NOTE_OFF is an event
//     at once, TIME_SHIFT moves the clock; recurrent state or the key/value cache carries
//     the context, so a step costs one token;
//   - poly_rnn (piano-roll frames): each sampled frame turns keys on and off;
//   - any other model: Model::sample() once, the whole continuation then streamed.
// Events come in time order; every note-on is matched by a later note-off of its pitch
// before the stream ends.
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/rng.h"
#include "models/model.h"
#include "music/score/score.h"

namespace cadenza::live {

struct GenEvent {
  double time = 0;  // seconds after the start of the continuation
  bool on = false;
  uint8_t pitch = 60;
  uint8_t velocity = 64;  // note-ons
};

struct StreamRequest {
  music::Score primer;   // what was played (may hold no notes)
  double seconds = 4.0;  // length of the continuation
  double temperature = 1.0;
  double density = 8.0;  // note-ons per second, for a model conditioned on it
  double tempo_bpm = 120.0;
};

class NoteStream {
 public:
  virtual ~NoteStream() = default;
  // Primes the model with the request's primer (one batched call) and starts a continuation.
  virtual void start(const StreamRequest& request, Generator& gen) = 0;
  // One model step: appends the events it completes. False once the continuation has
  // reached its length and every note is closed (nothing more will come).
  virtual bool step(std::vector<GenEvent>& out) = 0;
  // Changes the temperature from the next step on (a control turned mid-phrase).
  void set_temperature(double t) { temperature_ = t; }

 protected:
  double temperature_ = 1.0;
};

// The stream for `model` (see above); `model` must outlive it.
std::unique_ptr<NoteStream> make_note_stream(std::shared_ptr<models::Model> model);

}  // namespace cadenza::live
