#include "models/deepbach/deepbach.h"

#include <algorithm>

#include "engine/autograd.h"
#include "engine/error.h"
#include "models/bundled_data.h"
#include "models/common/config_read.h"
#include "models/common/sample_checks.h"
#include "models/deepbach/chorale_source.h"
#include "models/deepbach/gibbs.h"
#include "models/deepbach/voice_eval.h"
#include "models/registry.h"
#include "ops/ops.h"

namespace cadenza::models::deepbach {
namespace {

constexpr const char* kModel = "deepbach";
constexpr double kMissingClass = -1e9;  // logit of a class another voice has but this one lacks

VoiceRanges read_ranges(const nlohmann::json& config) {
  if (!config.contains("ranges")) return jsb_voice_ranges();
  const nlohmann::json& j = config["ranges"];
  CADENZA_CHECK(j.is_array() && j.size() == kVoices, "deepbach: config key 'ranges' must be 4 [lo, hi] pairs, got {}",
                j.dump());
  VoiceRanges r;
  for (size_t v = 0; v < kVoices; ++v) {
    const auto& p = j[v];
    CADENZA_CHECK(p.is_array() && p.size() == 2 && p[0].is_number_integer() && p[1].is_number_integer() &&
                      p[0].get<int>() >= 0 && p[0].get<int>() <= p[1].get<int>() && p[1].get<int>() <= 127,
                  "deepbach: config 'ranges' entry {} must be [lo, hi] with 0 <= lo <= hi <= 127, got {}", v, p.dump());
    r[v] = {p[0].get<int>(), p[1].get<int>()};
  }
  return r;
}

DeepBachConfig read_config(const nlohmann::json& j) {
  DeepBachConfig c;
  c.window = config_int(j, kModel, "window", c.window, 1);
  c.note_embed = config_int(j, kModel, "note_embed", c.note_embed, 1);
  c.meta_embed = config_int(j, kModel, "meta_embed", c.meta_embed, 1);
  c.lstm_hidden = config_int(j, kModel, "lstm_hidden", c.lstm_hidden, 1);
  c.lstm_layers = config_int(j, kModel, "lstm_layers", c.lstm_layers, 1);
  c.dense = config_int(j, kModel, "dense", c.dense, 1);
  c.dropout = config_real(j, kModel, "dropout", c.dropout, 0.0, 1.0);
  c.ranges = read_ranges(j);
  return c;
}

nlohmann::json to_json(const DeepBachConfig& c) {
  nlohmann::json ranges = nlohmann::json::array();
  for (const auto& r : c.ranges) ranges.push_back({r.lo, r.hi});
  return {{"window", c.window},           {"note_embed", c.note_embed},
          {"meta_embed", c.meta_embed},   {"lstm_hidden", c.lstm_hidden},
          {"lstm_layers", c.lstm_layers}, {"dense", c.dense},
          {"dropout", c.dropout},         {"ranges", ranges}};
}

Tensor column(const Tensor& x, int64_t k) { return contiguous(select(x, 2, k)); }

// The last output of an LSTM run from a zero state: [B, H].
Tensor summary(nn::LSTM& lstm, const Tensor& x) {
  Tensor out = lstm.forward(x).output;
  return select(out, 1, out.size(1) - 1);
}

}  // namespace

VoiceNet::VoiceNet(int voice, const DeepBachConfig& c) : voice_(voice), window_(c.window) {
  const int64_t E = c.note_embed, M = c.meta_embed, H = c.lstm_hidden;
  for (int u = 0; u < kVoices; ++u)
    notes_[size_t(u)] = register_module("note" + std::to_string(u),
                                        std::make_shared<nn::Embedding>(vocab_size(c.ranges[size_t(u)]), E));
  position_ = register_module("position", std::make_shared<nn::Embedding>(kBarSteps, M));
  fermata_ = register_module("fermata", std::make_shared<nn::Embedding>(2, M));
  const int64_t step_features = kVoices * E + 2 * M;
  nn::RnnOptions opts{.num_layers = c.lstm_layers, .batch_first = true, .dropout = c.dropout};
  past_ = register_module("past", std::make_shared<nn::LSTM>(step_features, H, opts));
  future_ = register_module("future", std::make_shared<nn::LSTM>(step_features, H, opts));
  centre_in_ = register_module("centre_in", std::make_shared<nn::Linear>(step_features - E, c.dense));
  centre_out_ = register_module("centre_out", std::make_shared<nn::Linear>(c.dense, H));
  merge_in_ = register_module("merge_in", std::make_shared<nn::Linear>(3 * H, c.dense));
  merge_out_ =
      register_module("merge_out", std::make_shared<nn::Linear>(c.dense, class_count(c.ranges[size_t(voice)])));
}

Tensor VoiceNet::forward(const Tensor& tokens, const Tensor& meta) {
  const int64_t W = window_;
  CADENZA_CHECK(tokens.dim() == 3 && tokens.size(1) == 2 * W + 1 && tokens.size(2) == kVoices,
                "deepbach: window tokens should be [B, {}, {}], got {}", 2 * W + 1, kVoices, shape_str(tokens.shape()));
  CADENZA_CHECK(meta.dim() == 3 && meta.size(0) == tokens.size(0) && meta.size(1) == 2 * W + 1 && meta.size(2) == 2,
                "deepbach: window metadata should be [{}, {}, 2], got {}", tokens.size(0), 2 * W + 1,
                shape_str(meta.shape()));
  std::vector<Tensor> voices, centre;
  for (int u = 0; u < kVoices; ++u) {
    voices.push_back(notes_[size_t(u)]->forward(column(tokens, u)));  // [B, L, E]
    if (u != voice_) centre.push_back(select(voices.back(), 1, W));
  }
  Tensor metas = concat({position_->forward(column(meta, 0)), fermata_->forward(column(meta, 1))}, 2);
  centre.push_back(select(metas, 1, W));
  Tensor steps = concat({concat(voices, 2), metas}, 2);  // [B, L, 4E + 2M]
  Tensor reversed = Tensor::from_vector<int64_t>(
      [&] {
        std::vector<int64_t> idx;
        for (int64_t i = 2 * W; i > W; --i) idx.push_back(i);
        return idx;
      }(),
      {W});
  Tensor past = summary(*past_, narrow(steps, 1, 0, W));
  Tensor future = summary(*future_, index_select(steps, 1, reversed));  // from t + W back to t + 1
  Tensor now = centre_out_->forward(relu(centre_in_->forward(concat(centre, 1))));
  return merge_out_->forward(relu(merge_in_->forward(concat({past, now, future}, 1))));
}

DeepBach::DeepBach(const nlohmann::json& config) : cfg_(read_config(config)), json_(to_json(cfg_)) {
  for (int v = 0; v < kVoices; ++v)
    nets_[size_t(v)] = register_module("voice" + std::to_string(v), std::make_shared<VoiceNet>(v, cfg_));
}

Tensor DeepBach::voice_logits(int v, const Batch& batch) {
  CADENZA_CHECK(v >= 0 && v < kVoices, "deepbach: voice {} is not 0..3", v);
  CADENZA_CHECK(batch.condition.defined(), "deepbach: the batch needs its metadata in `condition` [B, 2W+1, 2]");
  return nets_[size_t(v)]->forward(batch.inputs, to_dtype(batch.condition, DType::i64));
}

Tensor DeepBach::forward(const Batch& batch) {
  int64_t widest = 0;
  for (const auto& r : cfg_.ranges) widest = std::max<int64_t>(widest, class_count(r));
  std::vector<Tensor> per_voice;
  for (int v = 0; v < kVoices; ++v) {
    Tensor z = voice_logits(v, batch);
    per_voice.push_back(pad(z, {{0, 0}, {0, widest - z.size(1)}}, kMissingClass));
  }
  return stack(per_voice, 1);
}

std::array<Tensor, kVoices> DeepBach::voice_step_nll(const Batch& batch, std::array<Tensor, kVoices>* logits) {
  CADENZA_CHECK(
      batch.targets.dim() == 2 && batch.targets.size(0) == batch.inputs.size(0) && batch.targets.size(1) == kVoices,
      "deepbach: targets should be [{}, {}], got {}", batch.inputs.size(0), kVoices, shape_str(batch.targets.shape()));
  std::array<Tensor, kVoices> nll;
  for (int v = 0; v < kVoices; ++v) {
    Tensor z = voice_logits(v, batch);
    nll[size_t(v)] = cross_entropy(z, contiguous(select(batch.targets, 1, v)), {.reduction = Reduction::none});
    if (logits) (*logits)[size_t(v)] = z;
  }
  return nll;
}

LossResult DeepBach::loss(const Batch& batch) {
  std::array<Tensor, kVoices> logits;
  std::array<Tensor, kVoices> nll = voice_step_nll(batch, &logits);
  Tensor counted = to_dtype(ne(batch.targets, -100.0), DType::f32);
  Tensor m = batch.mask.defined() ? mul(batch.mask, counted) : counted;
  LossResult r;
  Tensor total = sum(mul(stack({nll.begin(), nll.end()}, 1), m));
  r.steps = sum(m).item<double>();
  CADENZA_CHECK(r.steps > 0, "deepbach: the batch counts no cell");
  r.nll_sum = total.item<double>();
  r.loss = div(total, r.steps);
  std::vector<float> mv = m.to_vector<float>();
  std::vector<int64_t> t = batch.targets.to_vector<int64_t>();
  for (int v = 0; v < kVoices; ++v) {
    std::vector<int64_t> best = argmax(logits[size_t(v)], 1).to_vector<int64_t>();
    for (size_t b = 0; b < best.size(); ++b)
      r.correct += mv[b * kVoices + size_t(v)] > 0 && best[b] == t[b * kVoices + size_t(v)];
  }
  return r;
}

void DeepBach::VoiceNll::add(const VoiceNll& o) {
  for (int v = 0; v < kVoices; ++v) {
    nll_sum[v] += o.nll_sum[v], cells[v] += o.cells[v];
    for (int k = 0; k < kCellKinds; ++k)
      kind_nll[v][k] += o.kind_nll[v][k], kind_cells[v][k] += o.kind_cells[v][k],
          kind_correct[v][k] += o.kind_correct[v][k];
  }
}

DeepBach::VoiceNll DeepBach::voice_nll(const Batch& batch) {
  std::array<Tensor, kVoices> logits;
  std::array<Tensor, kVoices> nll = voice_step_nll(batch, &logits);
  std::vector<int64_t> t = batch.targets.to_vector<int64_t>();
  VoiceNll out;
  for (int v = 0; v < kVoices; ++v) {
    std::vector<float> x = nll[size_t(v)].to_vector<float>();
    std::vector<int64_t> best = argmax(logits[size_t(v)], 1).to_vector<int64_t>();
    for (size_t b = 0; b < x.size(); ++b) {
      const int64_t target = t[b * kVoices + size_t(v)];
      if (target == -100) continue;
      const int kind = target == kRest - kPadTokens ? kRestCell : target == kHold - kPadTokens ? kHoldCell : kOnsetCell;
      out.nll_sum[size_t(v)] += x[b], out.cells[size_t(v)] += 1;
      out.kind_nll[size_t(v)][kind] += x[b], out.kind_cells[size_t(v)][kind] += 1;
      out.kind_correct[size_t(v)][kind] += best[b] == target;
    }
  }
  return out;
}

music::Score DeepBach::sample(const SampleOptions& o, Generator& gen) {
  check_sample_options(o, name());
  check_controls(o, name(), {"cells_per_voice", "iterations", "start_temperature"});
  CADENZA_CHECK(o.beam == 1 && o.top_k == 0 && o.top_p == 1.0,
                "deepbach: beam, top-k and top-p do not apply to pseudo-Gibbs sampling (use temperature)");
  ChoraleGrid grid = o.primer ? score_to_grid(*o.primer, cfg_.ranges) : ChoraleGrid{};
  const int64_t primer_steps = grid.steps;
  grid.steps += o.length;
  grid.tokens.resize(size_t(grid.steps * kVoices), kRest);
  std::vector<uint8_t> fixed(grid.tokens.size(), 0);
  std::fill(fixed.begin(), fixed.begin() + primer_steps * kVoices, 1);
  GibbsOptions g;
  g.temperature = o.temperature;
  g.cells_per_voice = o.controls.value("cells_per_voice", HarmonizeOptions{}.cells_per_voice);
  g.iterations = o.controls.value("iterations", default_iterations(o.length, g.cells_per_voice));
  g.start_temperature = o.controls.value("start_temperature", 1.5);
  g.seed = uint64_t(philox(gen.reserve(1), gen.seed())[0]);
  return grid_to_score(gibbs_sample(*this, std::move(grid), fixed, g), cfg_.ranges);
}

nlohmann::json deepbach_preset(const std::string& preset) {
  DeepBachConfig c;
  if (preset == "small") {
    c.window = 16, c.note_embed = 16, c.meta_embed = 8, c.lstm_hidden = 64, c.lstm_layers = 1, c.dense = 64;
    c.dropout = 0.0;
    return to_json(c);
  }
  // paper: the DeepBach code (github.com/Ghadjeres/DeepBach, deepBach.py create_models:
  // num_units_lstm=[200, 200], num_dense=200, timesteps=16 on the 16th-note grid); note and
  // metadata embeddings of 20 and dropout 0.5 between LSTM layers are the defaults of its
  // later PyTorch version (which widens the LSTMs to 256).
  if (preset == "paper") return to_json(c);
  fail("deepbach: unknown preset '{}' (known: paper, small)", preset);
}

namespace {

FamilyHooks deepbach_family() {
  FamilyHooks f;
  f.data_source = make_chorale_source;
  f.step_unit = [](const Model&) -> std::string { return "voice-step"; };
  f.bundled_corpus = [](const Model&) { return std::optional(bundled_data_file("Jsb16thSeparated.json")); };
  f.evaluate = voice_eval_report;
  return f;
}

const ModelRegistrar deepbach_registrar{{
    .name = "deepbach",
    .description =
        "four-voice chorale model with per-voice past/future LSTMs and pseudo-Gibbs sampling (DeepBach, Hadjeres 2017)",
    .preset = deepbach_preset,
    .make = [](const nlohmann::json& c) -> std::shared_ptr<Model> { return std::make_shared<DeepBach>(c); },
    .family = deepbach_family(),
}};

}  // namespace
}  // namespace cadenza::models::deepbach
