#include "ops/optim_step.h"

#include <cmath>

#include "engine/cpu/parallel.h"

namespace cadenza {
namespace {

void sgd_cpu(const Tensor& param, const Tensor& grad, const Tensor& buf, SgdStepParams s) {
  dispatch_float(param.dtype(), "sgd", [&]<class T>() {
    T* p = param.data<T>();
    const T* g = grad.data<T>();
    T* b = buf.defined() ? buf.data<T>() : nullptr;
    const T lr = T(s.lr), mom = T(s.momentum), damp = T(1 - s.dampening), wd = T(s.weight_decay);
    cpu::parallel_for(param.numel(), 1 << 14, [&](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k) {
        T d = s.weight_decay != 0 ? g[k] + wd * p[k] : g[k];
        if (b) {
          b[k] = s.first ? d : mom * b[k] + damp * d;
          d = s.nesterov ? d + mom * b[k] : b[k];
        }
        p[k] -= lr * d;
      }
    });
  });
}

void adam_cpu(const Tensor& param, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
              AdamStepParams s) {
  dispatch_float(param.dtype(), "adam", [&]<class T>() {
    T* p = param.data<T>();
    const T* g = grad.data<T>();
    T* m = exp_avg.data<T>();
    T* v = exp_avg_sq.data<T>();
    // Scalars in double as PyTorch computes them on the host, then applied in T.
    double t = static_cast<double>(s.step);
    const T step_size = T(s.lr / (1 - std::pow(s.beta1, t)));
    const T bc2_sqrt = T(std::sqrt(1 - std::pow(s.beta2, t)));
    // 1 − β in double: 1 − 0.999f would be off by 5e-5 relative.
    const T b1 = T(s.beta1), b2 = T(s.beta2), one_b1 = T(1 - s.beta1), one_b2 = T(1 - s.beta2);
    const T eps = T(s.eps), wd = T(s.weight_decay);
    const T decay = T(1 - s.lr * s.weight_decay);
    cpu::parallel_for(param.numel(), 1 << 14, [&](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k) {
        T gk = g[k];
        if (s.weight_decay != 0) {
          if (s.decoupled)
            p[k] *= decay;
          else
            gk += wd * p[k];
        }
        m[k] = m[k] * b1 + one_b1 * gk;
        v[k] = v[k] * b2 + one_b2 * gk * gk;
        p[k] -= step_size * m[k] / (std::sqrt(v[k]) / bc2_sqrt + eps);
      }
    });
  });
}

}  // namespace

Kernel<void(const Tensor&, const Tensor&, const Tensor&, SgdStepParams)> sgd_step_kernel("sgd_step", &sgd_cpu);
Kernel<void(const Tensor&, const Tensor&, const Tensor&, const Tensor&, AdamStepParams)> adam_step_kernel("adam_step",
                                                                                                          &adam_cpu);

}  // namespace cadenza
