// Shared by the elementwise shaders: the push constants of vulkan::ElementwisePush
// (engine/vulkan/layout.h) and the index arithmetic. Element i of the output (row-major
// over the merged shape) is at off[k] + sum_d idx_d * st[k][d] in strided operand k, and at
// off[3] + i in a dense output.
#include "group.glsl"

layout(push_constant) uniform Push {
  uint n;
  uint ndim;
  float pa;
  float pb;
  uint shape[6];
  uint off[4];
  int st[18];  // st[6 * k + d]
} pc;

// The flat index of this invocation (group.glsl's flat_id, the name elementwise shaders use).
uint flat_index() { return flat_id(); }

// Element offsets of flat index i in the three strided operands.
uvec3 strided_offsets(uint i) {
  ivec3 o = ivec3(pc.off[0], pc.off[1], pc.off[2]);
  for (int d = int(pc.ndim) - 1; d >= 0; --d) {
    uint s = pc.shape[d];
    int idx = int(i % s);
    i /= s;
    o += idx * ivec3(pc.st[d], pc.st[6 + d], pc.st[12 + d]);
  }
  return uvec3(o);
}
