#include "models/vae/music_vae.h"

#include <algorithm>

#include "engine/autograd.h"
#include "engine/error.h"
#include "models/lstm/sample_checks.h"
#include "models/lstm/step_loss.h"
#include "models/vae/vae_loss.h"
#include "music/repr/melody.h"
#include "ops/ops.h"

namespace cadenza::models {

MusicVae::MusicVae(MusicVaeConfig config, nlohmann::json json) : cfg_(std::move(config)), json_(std::move(json)) {
  json_.merge_patch(music_vae_config_json(cfg_));
  tok_ = music::repr::make_tokenizer(cfg_.tokenizer);
  vocab_ = tok_->vocab_size();
  step_ = register_buffer("global_step", Tensor::zeros({1}, DType::i64));
  nn::RnnOptions enc{.num_layers = cfg_.enc_layers, .batch_first = true, .bidirectional = true};
  encoder_ = register_module("encoder", std::make_shared<nn::LSTM>(vocab_, cfg_.enc_hidden, enc));
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
  decoder_ = register_module("decoder", std::make_shared<vae::SegmentDecoder>(vocab_, embedding, cfg_.dec_hidden,
                                                                               cfg_.dec_layers, cfg_.autoregressive));
}

int64_t MusicVae::global_step() const { return step_.to_vector<int64_t>()[0]; }
double MusicVae::beta() const { return vae::kl_beta(cfg_.max_beta, cfg_.beta_rate, global_step()); }
double MusicVae::sampling_probability() const {
  return vae::sampling_probability(cfg_.sampling_schedule, cfg_.sampling_rate, global_step());
}

Tensor MusicVae::one_hot_tokens(const Tensor& tokens) const {
  CADENZA_CHECK(tokens.dim() == 2, "music_vae: expected tokens [B, T], got {}", shape_str(tokens.shape()));
  std::vector<int64_t> ids = tokens.to_vector<int64_t>();
  std::vector<float> x(ids.size() * size_t(vocab_), 0.f);
  for (size_t i = 0; i < ids.size(); ++i) {
    CADENZA_CHECK(ids[i] < vocab_, "music_vae: token {} out of range for {} classes", ids[i], vocab_);
    if (ids[i] >= 0) x[i * size_t(vocab_) + size_t(ids[i])] = 1.f;
  }
  return Tensor::from_vector<float>(x, {tokens.size(0), tokens.size(1), vocab_});
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

Tensor MusicVae::decode_teacher(const Tensor& z, const Tensor& targets) {
  const int64_t T = targets.size(1);
  // Inputs: the targets shifted right by one, the first step all zeros.
  Tensor prev = pad(narrow(one_hot_tokens(targets), 1, 0, T - 1), {{0, 0}, {1, 0}});
  double p = is_training() ? sampling_probability() : 0.0;
  if (!cfg_.hierarchical) return decoder_->teacher(z, prev, p, nullptr);
  const int64_t S = cfg_.steps_per_bar;
  CADENZA_CHECK(T % S == 0, "music_vae: hierarchical decoding needs T a multiple of steps_per_bar {}, got {}", S, T);
  Tensor emb = conduct(*conductor_, *conductor_init_, z, T / S, cfg_.conductor_layers, cfg_.conductor_hidden);
  std::vector<Tensor> bars;
  for (int64_t j = 0; j < T / S; ++j)
    bars.push_back(decoder_->teacher(select(emb, 1, j), narrow(prev, 1, j * S, S), p, nullptr));
  return concat(bars, 1);
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

LossResult MusicVae::loss(const Batch& batch) {
  // A window cut short (the end of a piece) is padded to whole bars for the conductor.
  const Tensor targets = whole_bars(batch.targets, -100);
  auto [mu, sigma] = encode(targets);
  Tensor logits = decode_teacher(sample_z(mu, sigma), targets);
  Tensor nll = cross_entropy(logits, targets, {.ignore_index = -100, .reduction = Reduction::none});
  Tensor mask = batch.mask.defined() ? whole_bars(batch.mask, 0) : ne(to_dtype(targets, DType::f32), -100.0);
  LossResult r = masked_step_loss(nll, mask, "music_vae");
  Tensor kl_cost = vae::free_bits_kl(vae::gaussian_kl(mu, sigma), cfg_.free_bits);
  r.loss = add(r.loss, div(mul(sum(kl_cost), beta()), r.steps));
  if (is_training() && GradMode::enabled()) step_.data<int64_t>()[0] += 1;
  NoGradGuard ng;
  Tensor hits = to_dtype(eq(argmax(logits, -1), to_dtype(targets, DType::i64)), DType::f32);
  r.correct = sum(mul(hits, to_dtype(mask, DType::f32))).item<double>();
  return r;
}

std::vector<std::vector<int32_t>> MusicVae::decode(const Tensor& z, int64_t length, double temperature,
                                                   Generator& gen) {
  CADENZA_CHECK(z.dim() == 2 && z.size(1) == cfg_.z_size, "music_vae: expected z [B, {}], got {}", cfg_.z_size,
                shape_str(z.shape()));
  CADENZA_CHECK(length >= 1 && temperature >= 0, "music_vae: decode needs length >= 1 and temperature >= 0");
  NoGradGuard ng;
  nn::EvalScope eval(*this);
  std::vector<std::vector<int32_t>> out;
  Tensor prev = Tensor::zeros({z.size(0), vocab_});
  if (!cfg_.hierarchical) {
    decoder_->generate(z, prev, length, temperature, gen, out);
    return out;
  }
  const int64_t S = cfg_.steps_per_bar, bars = (length + S - 1) / S;
  Tensor emb = conduct(*conductor_, *conductor_init_, z, bars, cfg_.conductor_layers, cfg_.conductor_hidden);
  for (int64_t j = 0; j < bars; ++j) prev = decoder_->generate(select(emb, 1, j), prev, S, temperature, gen, out);
  for (auto& seq : out) seq.resize(size_t(length));
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
  CADENZA_CHECK(!a.empty() && a.size() == b.size(), "music_vae: interpolate needs two non-empty sequences of one "
                "length, got {} and {} tokens", a.size(), b.size());
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
  t.resize(size_t(segment_length()), music::repr::MelodyTokenizer::kNoEvent);
  return t;
}

music::Score MusicVae::interpolate(const music::Score& a, const music::Score& b, int64_t steps, double temperature,
                                   Generator& gen) {
  std::vector<int32_t> all;
  for (const auto& seq : interpolate(segment_tokens(a), segment_tokens(b), steps, temperature, gen)) {
    // Each segment ends its last note, so one does not run into the next.
    all.insert(all.end(), seq.begin(), seq.end());
    all.push_back(music::repr::MelodyTokenizer::kNoteOff);
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
