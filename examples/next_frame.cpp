// The engine end to end in one page: a next-frame model of Bach chorales.
// Reads the bundled JSB Chorales (quarter-note piano rolls), fits a one-hidden-layer
// network that predicts frame t+1 from frames t and t-1 (per-pitch Bernoulli outputs),
// reports the validation negative log-likelihood in nats per time step (the
// Boulanger-Lewandowski convention) before and after, then samples a chorale opening and
// writes it as MIDI.
//
//   next_frame [corpus.json] [out.mid] [steps]
#include <cmath>
#include <cstdio>
#include <string>

#include "engine/rng.h"
#include "music/repr/json_roll.h"
#include "music/score/midi_convert.h"
#include "ops/ops.h"

using namespace cadenza;
namespace repr = cadenza::music::repr;

namespace {

constexpr int64_t P = repr::kRollPitches;

// All (frame t-1, frame t) -> frame t+1 triples of a split, as [N, 2P] inputs and [N, P] targets.
std::pair<Tensor, Tensor> make_pairs(const std::vector<repr::RollPiece>& pieces) {
  std::vector<float> x, y;
  for (const auto& piece : pieces) {
    std::vector<uint8_t> f = repr::roll_piece_to_frames(piece);
    int64_t T = static_cast<int64_t>(piece.size());
    for (int64_t t = 1; t + 1 < T; ++t) {
      for (int64_t k = 0; k < P; ++k) x.push_back(f[(t - 1) * P + k]);
      for (int64_t k = 0; k < P; ++k) x.push_back(f[t * P + k]);
      for (int64_t k = 0; k < P; ++k) y.push_back(f[(t + 1) * P + k]);
    }
  }
  int64_t n = static_cast<int64_t>(y.size()) / P;
  return {Tensor::from_vector<float>(x, {n, 2 * P}), Tensor::from_vector<float>(y, {n, P})};
}

Tensor param(Shape shape, double scale, uint64_t key) {
  std::vector<float> v(numel(shape));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>(scale * (2 * uniform_from_bits(philox(i, key)[0]) - 1));
  Tensor t = Tensor::from_vector<float>(v, shape);
  t.set_requires_grad(true);
  return t;
}

struct Model {
  Tensor w1 = param({2 * P, 256}, 1 / std::sqrt(2.0 * P), 1), b1 = param({256}, 0, 2);
  Tensor w2 = param({256, P}, 1 / 16.0, 3), b2 = param({P}, 0, 4);
  Tensor logits(const Tensor& x) const { return add(matmul(tanh(add(matmul(x, w1), b1)), w2), b2); }
  std::vector<Tensor> params() const { return {w1, b1, w2, b2}; }
};

// Bernoulli NLL summed over pitches, averaged over frames: log(1 + e^z) - y z, stably.
Tensor frame_nll(const Tensor& z, const Tensor& y) {
  Tensor per = add(sub(relu(z), mul(z, y)), log1p(exp(neg(abs(z)))));
  return div(sum(per), static_cast<double>(z.size(0)));
}

}  // namespace

int main(int argc, char** argv) try {
  std::string corpus = argc > 1 ? argv[1] : "data/jsb-chorales-quarter.json";
  std::string out = argc > 2 ? argv[2] : "out/next_frame.mid";
  int steps = argc > 3 ? std::stoi(argv[3]) : 300;

  repr::RollCorpus c = repr::load_roll_json(corpus);
  auto [xtr, ytr] = make_pairs(c.splits.at("train"));
  auto [xva, yva] = make_pairs(c.splits.at("valid"));
  std::printf("JSB chorales: %lld training and %lld validation frames\n", (long long)xtr.size(0),
              (long long)xva.size(0));

  Model m;
  auto valid_nll = [&] {
    NoGradGuard ng;
    return frame_nll(m.logits(xva), yva).item<float>();
  };
  std::printf("valid NLL before training: %.3f nats/step\n", valid_nll());

  // Full-batch Adam, written out with ops: the optimizers proper live in optim/.
  std::vector<Tensor> mom, vel;
  for (const Tensor& p : m.params()) mom.push_back(Tensor::zeros(p.shape())), vel.push_back(Tensor::zeros(p.shape()));
  const double lr = 3e-3, b1 = 0.9, b2 = 0.999;
  for (int step = 1; step <= steps; ++step) {
    Tensor loss = frame_nll(m.logits(xtr), ytr);
    backward(loss);
    NoGradGuard ng;
    auto ps = m.params();
    for (size_t i = 0; i < ps.size(); ++i) {
      Tensor g = ps[i].grad();
      mom[i] = add(mul(mom[i], b1), mul(g, 1 - b1));
      vel[i] = add(mul(vel[i], b2), mul(square(g), 1 - b2));
      Tensor mhat = div(mom[i], 1 - std::pow(b1, step)), vhat = div(vel[i], 1 - std::pow(b2, step));
      copy_(ps[i], sub(ps[i], mul(div(mhat, add(sqrt(vhat), 1e-8)), lr)));
      ps[i].zero_grad();
    }
    if (step % 50 == 0 || step == 1) std::printf("step %4d  train NLL %.3f\n", step, loss.item<float>());
  }
  std::printf("valid NLL after %d steps: %.3f nats/step\n", steps, valid_nll());

  // Sample 32 frames after the opening of the first validation chorale.
  NoGradGuard ng;
  repr::RollPiece piece(c.splits.at("valid")[0].begin(), c.splits.at("valid")[0].begin() + 2);
  for (int t = 0; t < 32; ++t) {
    repr::RollPiece last(piece.end() - 2, piece.end());
    auto [x, unused] = make_pairs({{last[0], last[1], {}}});
    std::vector<float> prob = sigmoid(m.logits(x)).to_vector<float>();
    repr::RollStep next;
    for (int64_t k = 0; k < P; ++k)
      if (uniform_from_bits(philox(t * P + k, 2024)[0]) < prob[k]) next.push_back(repr::kRollLowestPitch + int(k));
    piece.push_back(next);
  }
  std::filesystem::create_directories(std::filesystem::path(out).parent_path());
  music::save_midi(repr::roll_piece_to_score(piece, 1), out);
  std::printf("wrote %s (%zu quarter-note frames)\n", out.c_str(), piece.size());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "next_frame: error: %s\n", e.what());
  return 1;
}
