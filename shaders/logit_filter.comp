#version 450
// top-k / top-p filtering of logits [rows, V] (ops/sampling.h), one invocation per entry.
// An entry's rank is the number of entries better than it (larger, or equal at a lower
// index: the CPU's order), so top-k keeps rank < k exactly as the CPU does. Top-p keeps an
// entry when the softmax mass of the entries better than it is below p (and always the
// best one); the masses are summed in rank order on the CPU and in index order here, so
// an entry whose preceding mass lies within rounding of p may differ. O(V^2) per row:
// meant for vocabularies of hundreds to a few thousand tokens.
// variant f64: -DACC=double
// variant f32: -DACC=float
#extension GL_GOOGLE_include_directive : require
#include "math.glsl"

#include "group.glsl"
#include "op_enums.glsl"
// A cadenza::LogitFilter (LOGIT_FILTER_* from ops/op_enums.h).
layout(constant_id = 0) const uint FILTER = 0;

layout(push_constant) uniform Push {
  uint rows, V, k, x_off, y_off;
  float p;
} pc;

layout(std430, binding = 0) writeonly buffer Y { float y[]; };
layout(std430, binding = 1) readonly buffer X { float x[]; };

void main() {
  uint e = flat_id();
  if (e >= pc.rows * pc.V) return;
  uint row = pc.x_off + (e / pc.V) * pc.V, v = e % pc.V;
  float xv = x[row + v];
  uint rank = 0u;
  float m = -inf_();
  for (uint u = 0u; u < pc.V; ++u) {
    float xu = x[row + u];
    rank += (xu > xv || (xu == xv && u < v)) ? 1u : 0u;
    m = max(m, xu);
  }
  bool keep;
  if (FILTER == LOGIT_FILTER_TOP_K) {
    keep = rank < pc.k;
  } else if (isinf(m)) {
    keep = true;  // no finite logit to weigh: the CPU keeps the row
  } else {
    ACC total = ACC(0), before = ACC(0);
    for (uint u = 0u; u < pc.V; ++u) {
      float xu = x[row + u];
      ACC w = ACC(exp(xu - m));
      total += w;
      if (xu > xv || (xu == xv && u < v)) before += w;
    }
    keep = rank == 0u || before < ACC(pc.p) * total;
  }
  y[pc.y_off + e] = keep ? xv : -inf_();
}
