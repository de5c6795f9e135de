// Batched matrix product on the device: strided operands, so the transposed views
// matmul() passes need no copy. Two shaders (see runtime.h, GemmPath): matmul.comp, the
// portable tiled kernel, and matmul_skinny.comp for skinny products. Each has an f32
// variant and an f16w one reading f16 weights (matmul_half, ops/half_matmul.h). Their
// tile and workgroup sizes come from the device's limits (KernelConfig); a grid larger
// than maxComputeWorkGroupCount is cut into several dispatches.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "engine/vulkan/context.h"
#include "engine/vulkan/extension.h"
#include "engine/vulkan/limits.h"
#include "engine/vulkan/runtime.h"
#include "ops/half_matmul.h"
#include "ops/matmul.h"
#include "ops/vulkan/kernels.h"

namespace cadenza::vulkan {
namespace {

struct MatmulPush {
  uint32_t M, N, K;
  uint32_t a_off;
  int32_t a_sb, a_sr, a_sc;
  uint32_t b_off;
  int32_t b_sb, b_sr, b_sc;
  uint32_t c_off;
  int32_t c_sb, c_sr, c_sc;
};

GemmPath initial_path() {
  const char* env = std::getenv("CADENZA_VULKAN_GEMM");
  if (!env || !*env || std::strcmp(env, "auto") == 0) return GemmPath::automatic;
  if (std::strcmp(env, "tiled") == 0) return GemmPath::tiled;
  if (std::strcmp(env, "skinny") == 0) return GemmPath::skinny;
  fail("CADENZA_VULKAN_GEMM={}: expected auto, tiled or skinny", env);
}

GemmPath& gemm_path() {
  static GemmPath path = initial_path();
  return path;
}

bool use_skinny(int64_t M) {
  switch (gemm_path()) {
    case GemmPath::tiled: return false;
    case GemmPath::skinny:
      CADENZA_CHECK(has_skinny_gemm(),
                    "vulkan bmm: the skinny GEMM needs {} bytes of shared memory and 16 "
                    "invocations per workgroup, more than {} allows",
                    skinny_gemm_shared_bytes(1), context().props.deviceName);
      return true;
    case GemmPath::automatic: break;
  }
  return M <= kSkinnyRows && has_skinny_gemm();
}

// The skinny kernel's rows per tile: the fewest of 1, 2, 4, 8 that cover M (more rows
// than that only re-read the weights, fewer would compute empty rows).
uint32_t skinny_rows(uint32_t M) {
  uint32_t tm = 1;
  while (tm < M && tm < kSkinnyRows) tm *= 2;
  return tm;
}

// Records c = a @ b over B batches with the f32 ("f32") or f16-weight ("f16w") shaders,
// as several dispatches where the grid exceeds the device's maxComputeWorkGroupCount:
// each covers a block of columns, rows and batches, its operands' offsets moved there.
void record_gemm(const char* variant, const MatmulPush& p, int64_t B, const Tensor& out, const Tensor& a,
                 const Tensor& b) {
  const KernelConfig& k = context().config;
  const bool skinny = use_skinny(p.M);
  const uint32_t tm = skinny_rows(p.M);
  const int64_t tile_rows = skinny ? tm : 4 * k.gemm_tile, tile_cols = skinny ? 16 : 4 * k.gemm_tile;
  const Pipeline& pipe =
      skinny ? pipeline(fmt::format("matmul_skinny_{}", variant), {tm, k.skinny_lanes, 16 * k.skinny_lanes})
             : pipeline(fmt::format("matmul_{}", variant), {k.gemm_tile, k.gemm_tile * k.gemm_tile});
  const uint32_t* max = context().props.limits.maxComputeWorkGroupCount;
  const int64_t cols_per = max[0] * tile_cols, rows_per = max[1] * tile_rows, batches_per = max[2];
  for (int64_t b0 = 0; b0 < B; b0 += batches_per)
    for (int64_t r0 = 0; r0 < p.M; r0 += rows_per)
      for (int64_t c0 = 0; c0 < p.N; c0 += cols_per) {
        MatmulPush q = p;
        q.M = static_cast<uint32_t>(std::min<int64_t>(rows_per, p.M - r0));
        q.N = static_cast<uint32_t>(std::min<int64_t>(cols_per, p.N - c0));
        q.a_off = u32("bmm", p.a_off + b0 * p.a_sb + r0 * p.a_sr);
        q.b_off = u32("bmm", p.b_off + b0 * p.b_sb + c0 * p.b_sc);
        q.c_off = u32("bmm", p.c_off + b0 * p.c_sb + r0 * p.c_sr + c0 * p.c_sc);
        stream().dispatch(pipe, {{buffer_of(out), true}, {buffer_of(a), false}, {buffer_of(b), false}}, &q, sizeof q,
                          u32("bmm", div_up(q.N, tile_cols)), u32("bmm", div_up(q.M, tile_rows)),
                          u32("bmm", std::min<int64_t>(batches_per, B - b0)));
      }
}

void bmm_vk(const Tensor& a, const Tensor& b, const Tensor& out) {
  require_f32("bmm", a);
  const int64_t B = out.shape()[0], M = out.shape()[1], N = out.shape()[2], K = a.shape()[2];
  if (B == 0 || M == 0 || N == 0) return;
  auto st = [](const Tensor& t, size_t axis) { return i32_stride("bmm", t.strides()[axis]); };
  MatmulPush p{u32("bmm", M), u32("bmm", N), u32("bmm", K), u32("bmm", a.offset()),
               st(a, 0),      st(a, 1),      st(a, 2),      u32("bmm", b.offset()),
               st(b, 0),      st(b, 1),      st(b, 2),      u32("bmm", out.offset()),
               st(out, 0),    st(out, 1),    st(out, 2)};
  record_gemm("f32", p, B, out, a, b);
}

// out [M, N] = x [M, K] Wᵀ with W the packed halves (ops/half_matmul.h): row n of W starts
// at half n · Kp (K rounded up to even), so b(k, n) = W[n, k] is half n · Kp + k.
void matmul_half_vk(const Tensor& x, const Tensor& packed, const Tensor& out) {
  CADENZA_CHECK(context().f16_storage,
                "vulkan: f16 weights need 16-bit storage buffers "
                "(storageBuffer16BitAccess), which {} does not offer",
                context().props.deviceName);
  const int64_t M = x.size(0), K = x.size(1), N = out.size(1), Kp = packed.size(1) * 2;
  if (M == 0 || N == 0) return;
  const char* name = "matmul_half";
  auto st = [name](const Tensor& t, size_t axis) { return i32_stride(name, t.strides()[axis]); };
  MatmulPush p{u32(name, M),
               u32(name, N),
               u32(name, K),
               u32(name, x.offset()),
               0,
               st(x, 0),
               st(x, 1),
               u32(name, packed.offset() * 2),
               0,
               1,
               i32_stride(name, Kp),
               u32(name, out.offset()),
               0,
               st(out, 0),
               st(out, 1)};
  record_gemm("f16w", p, 1, out, x, packed);
}

const KernelRegistration registration([] {
  gemm_path();  // a bad CADENZA_VULKAN_GEMM is a start-up reason, not an error at the first product
  bmm_kernel.set_vulkan(&bmm_vk);
  matmul_half_kernel.set_vulkan(&matmul_half_vk);
});

}  // namespace

void set_gemm_path(GemmPath path) { gemm_path() = path; }
bool has_skinny_gemm() { return available() && context().config.skinny_lanes > 0; }
bool has_f16_storage() { return available() && context().f16_storage; }

}  // namespace cadenza::vulkan
