// Batched matrix product on the device (shaders/matmul.comp): strided operands, so the
// transposed views matmul() passes need no copy.
#include "engine/vulkan/kernels/kernels.h"
#include "ops/matmul.h"

namespace cadenza::vulkan {
namespace {

struct MatmulPush {
  uint32_t M, N, K;
  uint32_t a_off; int32_t a_sb, a_sr, a_sc;
  uint32_t b_off; int32_t b_sb, b_sr, b_sc;
  uint32_t c_off; int32_t c_sb, c_sr, c_sc;
};

int32_t i32(int64_t v) {
  CADENZA_CHECK(v >= INT32_MIN && v <= INT32_MAX, "vulkan bmm: stride {} exceeds 32 bits", v);
  return static_cast<int32_t>(v);
}

void bmm_vk(const Tensor& a, const Tensor& b, const Tensor& out) {
  CADENZA_CHECK(a.dtype() == DType::f32, "vulkan bmm: {} tensors are not supported on the device (f32 only)",
                dtype_name(a.dtype()));
  const int64_t B = out.shape()[0], M = out.shape()[1], N = out.shape()[2], K = a.shape()[2];
  if (B == 0 || M == 0 || N == 0) return;
  CADENZA_CHECK(B <= 65535, "vulkan bmm: batch of {} exceeds the 65535 workgroups a device must support", B);
  MatmulPush p{u32("bmm", M), u32("bmm", N), u32("bmm", K),
               u32("bmm", a.offset()), i32(a.strides()[0]), i32(a.strides()[1]), i32(a.strides()[2]),
               u32("bmm", b.offset()), i32(b.strides()[0]), i32(b.strides()[1]), i32(b.strides()[2]),
               u32("bmm", out.offset()), i32(out.strides()[0]), i32(out.strides()[1]), i32(out.strides()[2])};
  stream().dispatch(pipeline("matmul"), {{buffer_of(out), true}, {buffer_of(a), false}, {buffer_of(b), false}}, &p,
                    sizeof p, static_cast<uint32_t>(div_up(N, 64)), static_cast<uint32_t>(div_up(M, 64)),
                    u32("bmm", B));
}

}  // namespace

void register_matmul_kernels() { bmm_kernel.set_vulkan(&bmm_vk); }

}  // namespace cadenza::vulkan
