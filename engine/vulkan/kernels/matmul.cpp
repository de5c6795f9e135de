// Batched matrix product on the device: strided operands, so the transposed views
// matmul() passes need no copy. Two shaders (see runtime.h, GemmPath): matmul.comp, the
// portable tiled kernel, and matmul_subgroup.comp for skinny products. Each has an f32
// variant and an f16w one reading f16 weights (matmul_half, ops/half_matmul.h).
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "engine/vulkan/context.h"
#include "engine/vulkan/kernels/kernels.h"
#include "engine/vulkan/runtime.h"
#include "ops/half_matmul.h"
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

GemmPath initial_path() {
  const char* env = std::getenv("CADENZA_VULKAN_GEMM");
  if (!env || !*env || std::strcmp(env, "auto") == 0) return GemmPath::automatic;
  if (std::strcmp(env, "tiled") == 0) return GemmPath::tiled;
  if (std::strcmp(env, "subgroup") == 0) return GemmPath::subgroup;
  fail("CADENZA_VULKAN_GEMM={}: expected auto, tiled or subgroup", env);
}

GemmPath& gemm_path() {
  static GemmPath path = initial_path();
  return path;
}

bool use_subgroup(int64_t M) {
  switch (gemm_path()) {
    case GemmPath::tiled: return false;
    case GemmPath::subgroup:
      CADENZA_CHECK(has_subgroup_gemm(), "vulkan bmm: the subgroup GEMM needs subgroup arithmetic in compute "
                                         "shaders, which {} lacks", context().props.deviceName);
      return true;
    case GemmPath::automatic: break;
  }
  return M <= kSkinnyRows && has_subgroup_gemm();
}

// Records c = a @ b over B batches with the f32 ("f32") or f16-weight ("f16w") shaders.
void record_gemm(const char* variant, const MatmulPush& p, int64_t B, const Tensor& out, const Tensor& a,
                 const Tensor& b) {
  const bool subgroup = use_subgroup(p.M);
  const int64_t tile_rows = subgroup ? 4 : 64, tile_cols = subgroup ? 16 : 64;
  CADENZA_CHECK(div_up(p.M, tile_rows) <= 65535, "vulkan bmm: {} rows exceed the device's workgroup grid", p.M);
  stream().dispatch(pipeline(fmt::format("{}_{}", subgroup ? "matmul_subgroup" : "matmul", variant)),
                    {{buffer_of(out), true}, {buffer_of(a), false}, {buffer_of(b), false}}, &p, sizeof p,
                    u32("bmm", div_up(p.N, tile_cols)), u32("bmm", div_up(p.M, tile_rows)), u32("bmm", B));
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
  record_gemm("f32", p, B, out, a, b);
}

// out [M, N] = x [M, K] Wᵀ with W the packed halves (ops/half_matmul.h): row n of W starts
// at half n · Kp (K rounded up to even), so b(k, n) = W[n, k] is half n · Kp + k.
void matmul_half_vk(const Tensor& x, const Tensor& packed, const Tensor& out) {
  CADENZA_CHECK(context().f16_storage, "vulkan: f16 weights need 16-bit storage buffers "
                "(storageBuffer16BitAccess), which {} does not offer", context().props.deviceName);
  const int64_t M = x.size(0), K = x.size(1), N = out.size(1), Kp = packed.size(1) * 2;
  if (M == 0 || N == 0) return;
  MatmulPush p{u32("matmul_half", M), u32("matmul_half", N), u32("matmul_half", K),
               u32("matmul_half", x.offset()), 0, i32(x.strides()[0]), i32(x.strides()[1]),
               u32("matmul_half", packed.offset() * 2), 0, 1, i32(Kp),
               u32("matmul_half", out.offset()), 0, i32(out.strides()[0]), i32(out.strides()[1])};
  record_gemm("f16w", p, 1, out, x, packed);
}

}  // namespace

void set_gemm_path(GemmPath path) { gemm_path() = path; }
bool has_subgroup_gemm() { return available() && context().subgroup_arithmetic; }
bool has_f16_storage() { return available() && context().f16_storage; }

void register_matmul_kernels() {
  gemm_path();  // a bad CADENZA_VULKAN_GEMM is a start-up reason, not an error at the first product
  bmm_kernel.set_vulkan(&bmm_vk);
  matmul_half_kernel.set_vulkan(&matmul_half_vk);
}

}  // namespace cadenza::vulkan
