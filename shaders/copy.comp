#version 450
// dst[i] = convert(src[i]): operand 0 is dst (any strides), operand 1 is src (broadcast by
// stride 0). Same-size copies move raw words, so they serve every dtype of that size.
// variant b32: -DSRC_T=uint -DDST_T=uint
// variant b64: -DSRC_T=uvec2 -DDST_T=uvec2
// variant f32_i32: -DSRC_T=float -DDST_T=int
// variant i32_f32: -DSRC_T=int -DDST_T=float
// variant f32_i64: -DSRC_T=float -DDST_T=int64_t -DINT64
// variant i64_f32: -DSRC_T=int64_t -DDST_T=float -DINT64
// variant i32_i64: -DSRC_T=int -DDST_T=int64_t -DINT64
// variant i64_i32: -DSRC_T=int64_t -DDST_T=int -DINT64
// variant f32_f64: -DSRC_T=float -DDST_T=double
// variant f64_f32: -DSRC_T=double -DDST_T=float
#extension GL_GOOGLE_include_directive : require
#ifdef INT64
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#endif
#include "elementwise.glsl"

layout(std430, binding = 0) writeonly buffer Dst { DST_T dst[]; };
layout(std430, binding = 1) readonly buffer Src { SRC_T src[]; };

void main() {
  uint i = flat_index();
  if (i >= pc.n) return;
  uvec3 o = strided_offsets(i);
  dst[o.x] = DST_T(src[o.y]);
}
