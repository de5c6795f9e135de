#include "engine/optim/sgd.h"

#include "engine/cpu/parallel.h"

namespace cadenza::optim {
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

}  // namespace

Kernel<void(const Tensor&, const Tensor&, const Tensor&, SgdStepParams)> sgd_kernel("sgd_step", &sgd_cpu);

SGD::SGD(std::vector<Tensor> params, SgdOptions opts) : Optimizer(std::move(params), opts.lr), opts_(opts) {
  CADENZA_CHECK(!opts.nesterov || (opts.momentum > 0 && opts.dampening == 0),
                "SGD: Nesterov momentum needs momentum > 0 and dampening = 0");
}

void SGD::update(size_t i, const Tensor& param, const Tensor& grad) {
  bool first = opts_.momentum != 0 && !has_state(i, "momentum_buffer");
  Tensor buf = opts_.momentum != 0 ? state(i, "momentum_buffer") : Tensor();
  sgd_kernel(param.device(), param, grad, buf,
             {lr(), opts_.momentum, opts_.dampening, opts_.weight_decay, opts_.nesterov, first});
}

}  // namespace cadenza::optim
