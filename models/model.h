#pragma once
// What every model family gives the trainer, the sampler and the `cadenza` program.
// A model is an nn::Module (so its parameters, state dict and checkpoints come for free)
// that turns a Batch into logits and a loss, and samples a Score. Families register
// themselves by name with their presets (registry.h); nothing above this interface
// knows which family it runs.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/rng.h"
#include "engine/tensor.h"
#include "music/score/score.h"
#include "nn/module.h"

namespace cadenza::models {

// How a model reads music: a model with a tokenizer() reads token sequences (from a
// music::repr tokenizer), one without reads 88-key piano-roll frames (the
// Boulanger-Lewandowski corpora) — the shared stages of models/data.h — unless its family
// brings a data source of its own (models/family.h): deepbach's chorale grid
// (models/deepbach/deepbach.h states its Batch layout), musegan's multi-track bars
// (models/gan/musegan.h), music_vae's trios (music/repr/trio.h).

// One batch as tensors, on the model's device.
struct Batch {
  Tensor inputs;     // tokens: i64 [B, T];  roll: f32 [B, T, 88] (frame t predicts t + 1);  trio: = targets
  Tensor targets;    // tokens, trio: i64 [B, T], -100 where padded;  roll: f32 [B, T, 88]
  Tensor mask;       // f32 [B, T]: 1 where the step counts towards loss and metrics
  Tensor condition;  // optional f32 [B, T, C] per-step control (e.g. Performance RNN's)
  // Evaluation only (Dataset::for_each_eval_batch): optional i64 [B], the row of the
  // previous batch of the same pass whose sequence row b continues (row b is its next
  // window), or -1 where row b starts a sequence. Undefined: every row starts one
  // (training batches, fixed windows).
  Tensor carry{};  // defaulted: batches built from the four fields above leave it out
};

struct LossResult {
  Tensor loss;         // scalar, differentiable: mean NLL in nats per counted step
  double nll_sum = 0;  // summed NLL over counted steps (nats), for exact corpus averages
  double steps = 0;    // counted steps (tokens, or frames for piano rolls)
  double correct = 0;  // tokens: argmax hits; rolls: frame-accuracy numerator
};

struct SampleOptions {
  int64_t length = 256;  // new steps (tokens or frames) after the primer
  double temperature = 1.0;
  int64_t top_k = 0;                                   // 0: off
  double top_p = 1.0;                                  // 1: off
  int64_t beam = 1;                                    // beam width (models that support it)
  std::optional<music::Score> primer;                  // continued, and kept at the start of the output
  nlohmann::json controls = nlohmann::json::object();  // conditioning, e.g. {"note_density": 3}
};

struct TrainOptions;
class TrainStep;

// The loss of one evaluation pass over a split cut into windows (models/data.h). A
// recurrent model's session carries_state(): it is handed the windows so that a row of a
// batch continues a row of the previous batch, as Batch.carry says, and keeps each row's
// state from one window to the next, so the summed NLL of a sequence's windows is its
// whole-sequence NLL while memory stays bounded by the window. Any other session scores
// each window alone.
class EvalSession {
 public:
  virtual ~EvalSession() = default;
  virtual LossResult loss(const Batch& batch) = 0;
  // Whether the session reads Batch.carry; when not, windows come in corpus order, each
  // a sequence of its own (models/data.h's EvalLayout).
  virtual bool carries_state() const = 0;
};

class Model : public nn::Module {
 public:
  virtual std::string name() const = 0;                 // the registry name, e.g. "poly_rnn"
  virtual nlohmann::json config() const = 0;            // everything make() needs to rebuild it
  virtual std::string tokenizer() const { return {}; }  // token models: music::repr name; rolls: empty
  // The tokenizer as music/repr/tokenizer_spec.h names it: its name, unless the model reads
  // a learned (BPE) tokenizer, whose whole object its config then holds.
  virtual nlohmann::json tokenizer_spec() const { return tokenizer(); }
  // Logits: tokens [B, T, V]; rolls [B, T, 88] (Bernoulli logits).
  virtual Tensor forward(const Batch& batch) = 0;
  virtual LossResult loss(const Batch& batch) = 0;
  virtual music::Score sample(const SampleOptions& options, Generator& gen) = 0;
  // How the trainer updates this model (models/train_step.h). The default is
  // make_standard_step: loss, backward, clip, one Adam update.
  virtual std::unique_ptr<TrainStep> make_train_step(const TrainOptions& options);
  // A new evaluation pass. The default scores every window alone with loss(); recurrent
  // families return a session that carries their state across a row's windows.
  virtual std::unique_ptr<EvalSession> eval_session();
};

}  // namespace cadenza::models
