#include "nn/precision.h"

#include "nn/attention.h"
#include "nn/linear.h"
#include "nn/rnn.h"

namespace cadenza::nn {

const char* precision_name(WeightPrecision p) {
  switch (p) {
    case WeightPrecision::f32: return "f32";
    case WeightPrecision::bf16: return "bf16";
    case WeightPrecision::f16: return "f16";
  }
  return "?";
}

namespace {

// Sum of fn(module) over m and its descendants (fn returns 1 for a layer it set).
template <class Fn>
int count_over_tree(Module& m, Fn&& fn) {
  int n = fn(m);
  for (auto& [name, child] : m.named_children()) n += count_over_tree(*child, fn);
  return n;
}

int quantize_lstm(Module& m, WeightPrecision p) {
  auto* lstm = dynamic_cast<LSTM*>(&m);
  if (lstm) lstm->quantize_for_inference(p);
  return lstm ? 1 : 0;
}

}  // namespace

int quantize_for_inference(Module& m, WeightPrecision p) {
  return count_over_tree(m, [p](Module& x) {
    if (p == WeightPrecision::bf16) return quantize_lstm(x, p);
    if (auto* linear = dynamic_cast<Linear*>(&x)) {
      linear->quantize_for_inference(p);
      return 1;
    }
    if (auto* attention = dynamic_cast<MultiheadAttention*>(&x)) {
      attention->quantize_for_inference(p);
      return 1;
    }
    return quantize_lstm(x, p);
  });
}

int quantize_lstms_for_inference(Module& m, WeightPrecision p) {
  return count_over_tree(m, [p](Module& x) { return quantize_lstm(x, p); });
}

}  // namespace cadenza::nn
