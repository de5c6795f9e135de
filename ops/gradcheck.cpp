#include "ops/gradcheck.h"

#include <cmath>

#include "engine/autograd.h"
#include "engine/rng.h"
#include "ops/autograd.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/reduce.h"
#include "ops/view.h"

namespace cadenza {
namespace {

// The gradient with respect to an interleaved leaf holds the real one at odd positions.
std::vector<double> to_vector_selected(const Tensor& g) { return select(g, -1, 1).to_vector<double>(); }

// The inputs as plain values; each evaluation rebuilds fresh leaf tensors from them.
struct Point {
  std::vector<std::vector<double>> values;
  std::vector<Tensor> originals;
  std::vector<bool> diff;
  bool noncontiguous = false;

  // Leaves (what we differentiate against) and the tensors handed to the op.
  std::pair<std::vector<Tensor>, std::vector<Tensor>> make(bool requires_grad) const {
    std::vector<Tensor> leaves, args;
    for (size_t i = 0; i < originals.size(); ++i) {
      const Tensor& o = originals[i];
      if (!diff[i]) {
        leaves.push_back(o);
        args.push_back(o);
        continue;
      }
      Tensor leaf = Tensor::from_vector<double>(values[i], o.shape());
      if (noncontiguous) {
        // Interleave with a dummy copy so the op sees stride 2 on the last axis.
        Tensor both = stack({leaf, leaf}, -1).detach();
        both.set_requires_grad(requires_grad);
        leaves.push_back(both);
        args.push_back(select(both, -1, 1));
      } else {
        leaf.set_requires_grad(requires_grad);
        leaves.push_back(leaf);
        args.push_back(leaf);
      }
    }
    return {leaves, args};
  }
};

std::vector<double> weights(int64_t n, uint64_t key) {
  std::vector<double> w(n);
  for (int64_t i = 0; i < n; ++i) w[i] = 2.0 * uniform_from_bits(philox(i, key)[0]) - 1.0;
  return w;
}

// sum_o <out_o, w_o>: a scalar whose gradient is a vector-Jacobian product.
Tensor contract(const std::vector<Tensor>& outs, uint64_t key) {
  Tensor total;
  for (size_t o = 0; o < outs.size(); ++o) {
    if (!outs[o].defined() || !is_floating(outs[o].dtype())) continue;
    Tensor w = Tensor::from_vector<double>(weights(outs[o].numel(), key + o), outs[o].shape());
    Tensor term = sum(mul(to_dtype(outs[o], DType::f64), w));
    total = total.defined() ? add(total, term) : term;
  }
  CADENZA_CHECK(total.defined(), "gradcheck: the function returned no floating output");
  return total;
}

bool close(double a, double n, const GradcheckOptions& o) {
  return std::abs(a - n) <= o.atol + o.rtol * std::abs(n) && std::isfinite(a) == std::isfinite(n);
}

// Finite-difference check of d(scalar_fn)/d(values) against `analytic` (per leaf).
GradcheckResult compare(Point p, const std::function<double(const Point&)>& scalar_fn,
                        const std::vector<Tensor>& analytic, const GradcheckOptions& o, const char* order) {
  for (size_t i = 0; i < p.values.size(); ++i) {
    if (!p.diff[i]) continue;
    std::vector<double> a = analytic[i].defined()
                                ? (p.noncontiguous ? to_vector_selected(analytic[i]) : analytic[i].to_vector<double>())
                                : std::vector<double>(p.values[i].size(), 0.0);
    for (size_t j = 0; j < p.values[i].size(); ++j) {
      double x0 = p.values[i][j];
      p.values[i][j] = x0 + o.eps;
      double up = scalar_fn(p);
      p.values[i][j] = x0 - o.eps;
      double down = scalar_fn(p);
      p.values[i][j] = x0;
      double numeric = (up - down) / (2 * o.eps);
      if (!close(a[j], numeric, o))
        return {false, fmt::format("{} derivative of input {} element {}: analytic {:.8g}, numeric {:.8g}", order, i, j,
                                   a[j], numeric)};
    }
  }
  return {};
}

}  // namespace

namespace {
Point make_point(const std::vector<Tensor>& inputs, const GradcheckOptions& o) {
  Point p;
  p.noncontiguous = o.noncontiguous;
  for (size_t i = 0; i < inputs.size(); ++i) {
    bool d = o.differentiable.empty() ? is_floating(inputs[i].dtype()) : o.differentiable[i];
    CADENZA_CHECK(!d || inputs[i].dtype() == DType::f64, "gradcheck: differentiable input {} must be f64, got {}", i,
                  dtype_name(inputs[i].dtype()));
    p.diff.push_back(d);
    p.originals.push_back(inputs[i]);
    p.values.push_back(d ? inputs[i].to_vector<double>() : std::vector<double>{});
  }
  return p;
}

std::vector<Tensor> diff_leaves(const Point& p, const std::vector<Tensor>& leaves) {
  std::vector<Tensor> r;
  for (size_t i = 0; i < leaves.size(); ++i)
    if (p.diff[i]) r.push_back(leaves[i]);
  return r;
}

// Scatter gradients for the differentiable leaves back to one slot per input.
std::vector<Tensor> per_input(const Point& p, const std::vector<Tensor>& g) {
  std::vector<Tensor> r(p.diff.size());
  size_t k = 0;
  for (size_t i = 0; i < p.diff.size(); ++i)
    if (p.diff[i]) r[i] = g[k++];
  return r;
}

constexpr uint64_t kOutKey = 0xC0FFEE, kVKey = 0xBEEF;

// First-order analytic gradient of contract(fn(x)) at p, optionally keeping the graph.
std::vector<Tensor> first_grads(const TensorFn& fn, const Point& p, std::vector<Tensor>* leaves_out,
                                bool create_graph) {
  auto [leaves, args] = p.make(true);
  Tensor L = contract(fn(args), kOutKey);
  std::vector<Tensor> dl = diff_leaves(p, leaves);
  std::vector<Tensor> g =
      grad({L}, dl, {}, {.retain_graph = create_graph, .create_graph = create_graph, .allow_unused = true});
  if (leaves_out) *leaves_out = dl;
  return g;
}
}  // namespace

GradcheckResult gradcheck(const TensorFn& fn, const std::vector<Tensor>& inputs, GradcheckOptions o) {
  Point p = make_point(inputs, o);
  std::vector<Tensor> g = first_grads(fn, p, nullptr, false);
  auto value = [&](const Point& q) {
    NoGradGuard ng;
    auto [leaves, args] = q.make(false);
    return contract(fn(args), kOutKey).item<double>();
  };
  return compare(p, value, per_input(p, g), o, "first");
}

GradcheckResult gradgradcheck(const TensorFn& fn, const std::vector<Tensor>& inputs, GradcheckOptions o) {
  Point p = make_point(inputs, o);
  // F(x) = sum_i <dL/dx_i, v_i> with fixed random v.
  auto F = [&](const std::vector<Tensor>& g) {
    Tensor total;
    for (size_t i = 0; i < g.size(); ++i) {
      if (!g[i].defined()) continue;
      Tensor v = Tensor::from_vector<double>(weights(g[i].numel(), kVKey + i), g[i].shape());
      Tensor t = sum(mul(g[i], v));
      total = total.defined() ? add(total, t) : t;
    }
    return total;
  };
  std::vector<Tensor> leaves;
  std::vector<Tensor> g = first_grads(fn, p, &leaves, true);
  Tensor Fx = F(g);
  std::vector<Tensor> gg(leaves.size());
  if (Fx.defined() && Fx.requires_grad()) gg = grad({Fx}, leaves, {}, {.allow_unused = true});
  auto value = [&](const Point& q) {
    std::vector<Tensor> gq = first_grads(fn, q, nullptr, false);
    Tensor f = F(gq);
    return f.defined() ? f.item<double>() : 0.0;
  };
  return compare(p, value, per_input(p, gg), o, "second");
}

}  // namespace cadenza
