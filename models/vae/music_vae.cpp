#include "models/vae/music_vae.h"

#include <algorithm>

#include "engine/autograd.h"
#include "engine/error.h"
#include "models/common/sample_checks.h"
#include "models/common/step_loss.h"
#include "models/vae/vae_loss.h"
#include "music/repr/melody.h"
#include "music/repr/trio.h"
#include "ops/ops.h"

namespace cadenza::models {

MusicVae::MusicVae(MusicVaeConfig config, nlohmann::json json) : cfg_(std::move(config)), json_(std::move(json)) {
  json_.merge_patch(music_vae_config_json(cfg_));
  tok_ = music::repr::make_tokenizer(cfg_.tokenizer);
  parts_ = tok_->parts();
  width_ = 0;
  for (const auto& p : parts_) part_offset_.push_back(width_), width_ += p.classes;
  const auto* trio = dynamic_cast<const music::repr::TrioTokenizer*>(tok_.get());
  end_token_ = trio ? trio->notes_off_token() : music::repr::MelodyTokenizer::kNoteOff;
  step_ = register_buffer("global_step", Tensor::zeros({1}, DType::i64));
  nn::RnnOptions enc{.num_layers = cfg_.enc_layers, .batch_first = true, .bidirectional = true};
  encoder_ = register_module("encoder", std::make_shared<nn::LSTM>(width_, cfg_.enc_hidden, enc));
  mu_ = register_module("mu", std::make_shared<nn::Linear>(2 * cfg_.enc_hidden, cfg_.z_size));
  sigma_ = register_module("sigma", std::make_shared<nn::Linear>(2 * cfg_.enc_hidden, cfg_.z_size));
  int64_t embedding = cfg_.z_size;
  if (cfg_.hierarchical) {
    conductor_init_ = register_module(
        "conductor_init", std::make_shared<nn::Linear>(cfg_.z_size, 2 * cfg_.conductor_layers * cfg_.conductor_hidden));
    nn::RnnOptions cond{.num_layers = cfg_.conductor_layers, .batch_first = true};
    conductor_ = register_module("conductor", std::make_shared<nn::LSTM>(1, cfg_.conductor_hidden, cond));
    embedding = cfg_.conductor_hidden;
  }
  // A melody's one decoder keeps the name "decoder" (so melody checkpoints still load); a
  // trio's are "decoder_melody", "decoder_bass", "decoder_drums".
  for (const auto& p : parts_)
    decoders_.push_back(register_module(parts_.size() == 1 ? "decoder" : "decoder_" + p.name,
                                        std::make_shared<vae::SegmentDecoder>(p.classes, embedding, cfg_.dec_hidden,
                                                                              cfg_.dec_layers, cfg_.autoregressive)));
}

std::vector<int32_t> MusicVae::part_classes(int64_t token) const {
  if (token < 0) return std::vector<int32_t>(parts_.size(), -100);
  CADENZA_CHECK(token < tok_->vocab_size(), "music_vae: token {} out of range for {} classes", token,
                tok_->vocab_size());
  return music::repr::unpack_token(int32_t(token), parts_);
}

int64_t MusicVae::global_step() const { return step_.to_vector<int64_t>()[0]; }
double MusicVae::beta() const { return vae::kl_beta(cfg_.max_beta, cfg_.beta_rate, global_step()); }
double MusicVae::sampling_probability() const {
  return vae::sampling_probability(cfg_.sampling_schedule, cfg_.sampling_rate, global_step());
}

Tensor MusicVae::one_hot_tokens(const Tensor& tokens) const {
  CADENZA_CHECK(tokens.dim() == 2, "music_vae: expected tokens [B, T], got {}", shape_str(tokens.shape()));
  std::vector<int64_t> ids = tokens.to_vector<int64_t>();
  std::vector<float> x(ids.size() * size_t(width_), 0.f);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0) continue;
    const std::vector<int32_t> c = part_classes(ids[i]);
    for (size_t k = 0; k < parts_.size(); ++k) x[i * size_t(width_) + size_t(part_offset_[k] + c[k])] = 1.f;
  }
  return Tensor::from_vector<float>(x, {tokens.size(0), tokens.size(1), width_});
}

std::vector<Tensor> MusicVae::part_targets(const Tensor& tokens) const {
  const std::vector<int64_t> ids = tokens.to_vector<int64_t>();
  std::vector<std::vector<int64_t>> per(parts_.size(), std::vector<int64_t>(ids.size()));
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::vector<int32_t> c = part_classes(ids[i]);
    for (size_t k = 0; k < parts_.size(); ++k) per[k][i] = c[k];
  }
  std::vector<Tensor> out;
  for (auto& v : per) out.push_back(Tensor::from_vector<int64_t>(v, tokens.shape()));
  return out;
}

std::pair<Tensor, Tensor> MusicVae::encode(const Tensor& tokens) {
  nn::LSTM::Result r = encoder_->forward(one_hot_tokens(tokens));
  const int64_t last = 2 * (cfg_.enc_layers - 1);  // h_n rows: [layer · 2 + direction]
  Tensor h = concat({select(r.state.h, 0, last), select(r.state.h, 0, last + 1)}, 1);
  return {mu_->forward(h), softplus(sigma_->forward(h))};
}

Tensor MusicVae::sample_z(const Tensor& mu, const Tensor& sigma) const {
  if (!is_training()) return mu;
  return add(mu, mul(sigma, randn(mu.shape())));
}

// The conductor's per-bar embeddings [B, bars, Hc] for z [B, Z].
static Tensor conduct(nn::LSTM& conductor, nn::Linear& init, const Tensor& z, int64_t bars, int64_t layers,
                      int64_t hidden) {
  const int64_t B = z.size(0);
  Tensor s = permute(reshape(tanh(init.forward(z)), {B, 2, layers, hidden}), {1, 2, 0, 3});
  LstmState state{contiguous(select(s, 0, 0)), contiguous(select(s, 0, 1))};
  return conductor.forward(Tensor::zeros({B, bars, 1}), state).output;
}

std::vector<Tensor> MusicVae::segment_embeddings(const Tensor& z, int64_t segments) {
  if (!cfg_.hierarchical) return {z};
  Tensor emb = conduct(*conductor_, *conductor_init_, z, segments, cfg_.conductor_layers, cfg_.conductor_hidden);
  std::vector<Tensor> out;
  for (int64_t j = 0; j < segments; ++j) out.push_back(select(emb, 1, j));
  return out;
}

Tensor MusicVae::decode_teacher(const Tensor& z, const Tensor& targets) {
  const int64_t B = targets.size(0), T = targets.size(1);
  // Inputs: the targets shifted right by one, the first step all zeros.
  Tensor prev = pad(narrow(one_hot_tokens(targets), 1, 0, T - 1), {{0, 0}, {1, 0}});
  double p = is_training() ? sampling_probability() : 0.0;
  const int64_t S = cfg_.hierarchical ? cfg_.steps_per_bar : T, segments = T / S;
  CADENZA_CHECK(T % S == 0, "music_vae: hierarchical decoding needs T a multiple of steps_per_bar {}, got {}", S, T);
  // Given its embedding and its inputs (teacher forcing gives bar j the true last token of
  // bar j − 1) each segment is independent of the others, so all bars are decoded as one
  // batch of B · bars segments: one LSTM call per part instead of one per bar.
  const Tensor emb = cfg_.hierarchical ? reshape(contiguous(conduct(*conductor_, *conductor_init_, z, segments,
                                                                    cfg_.conductor_layers, cfg_.conductor_hidden)),
                                                 {B * segments, cfg_.conductor_hidden})
                                       : z;
  std::vector<Tensor> parts;
  for (size_t k = 0; k < parts_.size(); ++k) {
    // Each part's decoder reads its own part of the previous step.
    const int64_t n = parts_[k].classes;
    const Tensor part_prev = contiguous(parts_.size() == 1 ? prev : narrow(prev, 2, part_offset_[k], n));
    const Tensor logits = decoders_[k]->teacher(emb, reshape(part_prev, {B * segments, S, n}), p, nullptr);
    parts.push_back(reshape(contiguous(logits), {B, T, n}));
  }
  return parts.size() == 1 ? parts[0] : concat(parts, 2);
}

Tensor MusicVae::whole_bars(const Tensor& t, double value) const {
  const int64_t rest = t.size(1) % cfg_.steps_per_bar;
  if (!cfg_.hierarchical || rest == 0) return t;
  return pad(t, {{0, 0}, {0, cfg_.steps_per_bar - rest}}, value);
}

Tensor MusicVae::forward(const Batch& batch) {
  auto [mu, sigma] = encode(batch.targets);
  return decode_teacher(sample_z(mu, sigma), batch.targets);
}

MusicVae::Terms MusicVae::loss_terms(const Batch& batch) {
  // A window cut short (the end of a piece) is padded to whole bars for the conductor.
  const Tensor targets = whole_bars(batch.targets, -100);
  auto [mu, sigma] = encode(targets);
  Tensor logits = decode_teacher(sample_z(mu, sigma), targets);
  const std::vector<Tensor> by_part = part_targets(targets);
  std::vector<int64_t> sizes;
  for (const auto& p : parts_) sizes.push_back(p.classes);
  const std::vector<Tensor> part_nll = vae::split_cross_entropy(logits, by_part, sizes);
  Tensor nll = part_nll[0];
  for (size_t k = 1; k < part_nll.size(); ++k) nll = add(nll, part_nll[k]);
  Tensor mask = batch.mask.defined() ? whole_bars(batch.mask, 0) : ne(to_dtype(targets, DType::f32), -100.0);
  Terms out{masked_step_loss(nll, mask, "music_vae"), {}, {}, mu, sigma};
  LossResult& r = out.result;
  Tensor kl_cost = vae::free_bits_kl(vae::gaussian_kl(mu, sigma), cfg_.free_bits);
  r.loss = add(r.loss, div(mul(sum(kl_cost), beta()), r.steps));
  if (is_training() && GradMode::enabled()) step_.data<int64_t>()[0] += 1;
  NoGradGuard ng;
  const Tensor m = to_dtype(mask, DType::f32);
  for (size_t k = 0; k < parts_.size(); ++k) {
    const Tensor part_logits = contiguous(narrow(logits, 2, part_offset_[k], parts_[k].classes));
    Tensor hits = to_dtype(eq(argmax(part_logits, -1), by_part[k]), DType::f32);
    out.part_correct.push_back(sum(mul(hits, m)).item<double>());
    out.part_nll.push_back(sum(mul(part_nll[k], m)).item<double>());
    r.correct += out.part_correct.back() / double(parts_.size());  // accuracy: the parts' mean
  }
  return out;
}

std::vector<std::vector<int32_t>> MusicVae::decode(const Tensor& z, int64_t length, double temperature,
                                                   Generator& gen) {
  CADENZA_CHECK(z.dim() == 2 && z.size(1) == cfg_.z_size, "music_vae: expected z [B, {}], got {}", cfg_.z_size,
                shape_str(z.shape()));
  CADENZA_CHECK(length >= 1 && temperature >= 0, "music_vae: decode needs length >= 1 and temperature >= 0");
  NoGradGuard ng;
  nn::EvalScope eval(*this);
  const int64_t S = cfg_.hierarchical ? cfg_.steps_per_bar : length;
  const std::vector<Tensor> emb = segment_embeddings(z, (length + S - 1) / S);
  // Each part decodes on its own from the shared embeddings, reading its own previous token.
  std::vector<std::vector<std::vector<int32_t>>> per_part(parts_.size());
  for (size_t k = 0; k < parts_.size(); ++k) {
    Tensor prev = Tensor::zeros({z.size(0), parts_[k].classes});
    for (const Tensor& e : emb) prev = decoders_[k]->generate(e, prev, S, temperature, gen, per_part[k]);
  }
  if (parts_.size() == 1) {
    for (auto& seq : per_part[0]) seq.resize(size_t(length));
    return std::move(per_part[0]);
  }
  std::vector<std::vector<int32_t>> out(size_t(z.size(0)), std::vector<int32_t>(size_t(length)));
  std::vector<int32_t> classes(parts_.size());
  for (size_t b = 0; b < out.size(); ++b)
    for (size_t t = 0; t < size_t(length); ++t) {
      for (size_t k = 0; k < parts_.size(); ++k) classes[k] = per_part[k][b][t];
      out[b][t] = music::repr::pack_token(classes, parts_);
    }
  return out;
}

std::vector<std::vector<int32_t>> MusicVae::reconstruct(const Tensor& tokens) {
  Generator unused(0);
  Tensor mu;
  {
    NoGradGuard ng;
    nn::EvalScope eval(*this);
    mu = encode(tokens).first;
  }
  return decode(mu, tokens.size(1), 0.0, unused);
}

static Tensor token_row(const std::vector<int32_t>& t) {
  return Tensor::from_vector<int64_t>(std::vector<int64_t>(t.begin(), t.end()), {1, int64_t(t.size())});
}

std::vector<std::vector<int32_t>> MusicVae::interpolate(const std::vector<int32_t>& a, const std::vector<int32_t>& b,
                                                        int64_t steps, double temperature, Generator& gen) {
  CADENZA_CHECK(steps >= 2, "music_vae: interpolate needs steps >= 2, got {}", steps);
  CADENZA_CHECK(!a.empty() && a.size() == b.size(),
                "music_vae: interpolate needs two non-empty sequences of one "
                "length, got {} and {} tokens",
                a.size(), b.size());
  std::vector<float> za, zb;
  {
    NoGradGuard ng;
    nn::EvalScope eval(*this);
    za = encode(token_row(a)).first.to_vector<float>();
    zb = encode(token_row(b)).first.to_vector<float>();
  }
  std::vector<float> zs;
  for (int64_t i = 0; i < steps; ++i) {
    std::vector<float> z = vae::slerp(za, zb, double(i) / double(steps - 1));
    zs.insert(zs.end(), z.begin(), z.end());
  }
  return decode(Tensor::from_vector<float>(zs, {steps, cfg_.z_size}), int64_t(a.size()), temperature, gen);
}

std::vector<int32_t> MusicVae::segment_tokens(const music::Score& score) const {
  std::vector<int32_t> t = tok_->encode(score);
  t.resize(size_t(segment_length()), 0);  // a rest: melody NO_EVENT; trio NO_EVENT, NO_EVENT, no hit
  return t;
}

music::Score MusicVae::interpolate(const music::Score& a, const music::Score& b, int64_t steps, double temperature,
                                   Generator& gen) {
  std::vector<int32_t> all;
  for (const auto& seq : interpolate(segment_tokens(a), segment_tokens(b), steps, temperature, gen)) {
    // Each segment ends its last note, so one does not run into the next.
    all.insert(all.end(), seq.begin(), seq.end());
    all.push_back(end_token_);
  }
  return tok_->decode(all);
}

music::Score MusicVae::sample(const SampleOptions& o, Generator& gen) {
  check_sample_options(o, "music_vae");
  check_controls(o, "music_vae", {});
  CADENZA_CHECK(o.beam == 1, "music_vae: beam search is not supported (beam {})", o.beam);
  CADENZA_CHECK(o.top_k == 0 && o.top_p == 1.0, "music_vae: top-k / top-p are not supported, use --temperature");
  NoGradGuard ng;
  nn::EvalScope eval(*this);
  Tensor z = randn({1, cfg_.z_size}, DType::f32, &gen);
  if (o.primer) {
    auto [mu, sigma] = encode(token_row(segment_tokens(*o.primer)));
    z = add(mu, mul(sigma, z));
  }
  return tok_->decode(decode(z, o.length, o.temperature, gen)[0]);
}

}  // namespace cadenza::models
