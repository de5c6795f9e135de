// The fused attention forward on the device (shaders/attention.comp): one workgroup per
// query row, keys in chunks as large as the device's shared memory holds; see
// ops/attention.h for when attention() takes it. A grid of [L, H, B] workgroups beyond
// maxComputeWorkGroupCount is refused in one line by the stream.
#include <cmath>

#include "engine/vulkan/context.h"
#include "engine/vulkan/extension.h"
#include "ops/attention.h"
#include "ops/vulkan/kernels.h"

namespace cadenza::vulkan {
namespace {

struct AttentionPush {
  uint32_t L, S, D, Dv;
  uint32_t q_off;
  int32_t q_s[4];
  uint32_t k_off;
  int32_t k_s[4];
  uint32_t v_off;
  int32_t v_s[4];
  uint32_t H, o_off;
  uint32_t m_off;
  int32_t m_sb, m_ss;
  uint32_t r_off;
  int32_t r_sm, r_sd;
  uint32_t M;
  float scale;
  uint32_t flags;
};
static_assert(sizeof(AttentionPush) <= kPushBytes);

int32_t stride(const Tensor& t, int64_t axis) { return i32_stride("fused_attention", t.strides()[size_t(axis)]); }

// Every call that fits the kernel's limits (the shared memory holds the rest in chunks).
bool fused_attention_vk_supports(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& key_padding_mask,
                                 const Tensor& rel_emb, bool) {
  return fused_attention_fits(q, k, v, key_padding_mask, rel_emb);
}

Tensor fused_attention_vk(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& key_padding_mask,
                          const Tensor& rel_emb, bool causal) {
  const char* name = "fused_attention";
  const Tensor key_padding = padding_flags(key_padding_mask);
  for (const Tensor* t : {&q, &k, &v, &key_padding, &rel_emb})
    CADENZA_CHECK(!t->defined() || t->dtype() == DType::f32, "vulkan {}: f32 only, got {}", name,
                  dtype_name(t->dtype()));
  const int64_t B = q.size(0), H = q.size(1), L = q.size(2), S = k.size(2), D = q.size(3);
  CADENZA_CHECK(S <= kFusedAttentionMaxKeys && D <= kFusedAttentionMaxDim,
                "vulkan {}: needs S <= {} keys and D <= {} (got S {}, D {})", name, kFusedAttentionMaxKeys,
                kFusedAttentionMaxDim, S, D);
  Tensor out = make_tensor({B, H, L, v.size(3)}, DType::f32, q.device());
  if (out.numel() == 0) return out;
  AttentionPush p{};
  p.L = u32(name, L), p.S = u32(name, S), p.D = u32(name, D), p.Dv = u32(name, v.size(3));
  p.q_off = offset_of(name, q), p.k_off = offset_of(name, k), p.v_off = offset_of(name, v);
  for (int64_t a = 0; a < 4; ++a) p.q_s[a] = stride(q, a), p.k_s[a] = stride(k, a), p.v_s[a] = stride(v, a);
  p.H = u32(name, H), p.o_off = offset_of(name, out);
  p.scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(D)));
  p.flags = causal ? 1u : 0u;
  // Absent operands bind q in their place (read-only, never read: the flags say so).
  Buffer* mask = buffer_of(q);
  Buffer* rel = buffer_of(q);
  if (key_padding.defined()) {
    p.flags |= 2u;
    mask = buffer_of(key_padding);
    p.m_off = offset_of(name, key_padding), p.m_sb = stride(key_padding, 0), p.m_ss = stride(key_padding, 1);
  }
  if (rel_emb.defined()) {
    p.flags |= 4u;
    rel = buffer_of(rel_emb);
    p.r_off = offset_of(name, rel_emb), p.r_sm = stride(rel_emb, 0), p.r_sd = stride(rel_emb, 1);
    p.M = u32(name, rel_emb.size(0));
  }
  // Every key at once where the device holds them (any conformant one), else in chunks.
  const KernelConfig& config = context().config;
  const bool whole = config.attention_group == 64 && config.attention_chunk >= kFusedAttentionMaxKeys;
  stream().dispatch(whole ? pipeline("attention_whole")
                          : pipeline("attention_chunked", {config.attention_group, config.attention_chunk}),
                    {{buffer_of(out), true},
                     {buffer_of(q), false},
                     {buffer_of(k), false},
                     {buffer_of(v), false},
                     {mask, false},
                     {rel, false}},
                    &p, sizeof p, u32(name, L), u32(name, H), u32(name, B));
  return out;
}

const KernelRegistration registration([] {
  fused_attention_kernel.set_vulkan({&fused_attention_vk_supports, &fused_attention_vk});
});

}  // namespace
}  // namespace cadenza::vulkan
