#include "engine/vulkan/layout.h"

#include <limits>

#include "engine/vulkan/context.h"

namespace cadenza::vulkan {

Buffer* buffer_of(const Tensor& t) {
  CADENZA_CHECK(t.device().kind == Device::Kind::vulkan, "vulkan kernel: tensor is on {}", t.device().str());
  return static_cast<Buffer*>(t.storage()->handle());
}

uint32_t u32(const char* kernel, int64_t v) {
  CADENZA_CHECK(v >= 0 && v <= std::numeric_limits<int32_t>::max(),
                "vulkan {}: size or offset {} exceeds the device kernels' 32-bit index range", kernel, v);
  return static_cast<uint32_t>(v);
}

int32_t i32_stride(const char* kernel, int64_t s) {
  CADENZA_CHECK(s >= std::numeric_limits<int32_t>::min() && s <= std::numeric_limits<int32_t>::max(),
                "vulkan {}: stride {} exceeds 32 bits", kernel, s);
  return static_cast<int32_t>(s);
}

Shape broadcast_strides(const Tensor& t, const Shape& shape) {
  Shape st(shape.size(), 0);
  const int64_t lead = static_cast<int64_t>(shape.size()) - t.dim();
  for (int64_t d = 0; d < t.dim(); ++d)
    if (t.shape()[d] != 1) st[lead + d] = t.strides()[d];
  return st;
}

Merged merge_axes(const Shape& shape, std::vector<Shape> strides) {
  Merged m;
  m.strides.resize(strides.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = !m.shape.empty();
    for (size_t k = 0; k < strides.size() && merge; ++k) merge = m.strides[k].back() == strides[k][d] * shape[d];
    if (merge) {
      m.shape.back() *= shape[d];
      for (size_t k = 0; k < strides.size(); ++k) m.strides[k].back() = strides[k][d];
      continue;
    }
    m.shape.push_back(shape[d]);
    for (size_t k = 0; k < strides.size(); ++k) m.strides[k].push_back(strides[k][d]);
  }
  return m;
}

ElementwisePush elementwise_push(const char* kernel, const Shape& shape, std::initializer_list<Tensor> strided) {
  ElementwisePush p;
  std::vector<Shape> st;
  for (const Tensor& t : strided) st.push_back(broadcast_strides(t, shape));
  Merged m = merge_axes(shape, st);
  CADENZA_CHECK(static_cast<int>(m.shape.size()) <= kMaxDims,
                "vulkan {}: shape {} needs {} axes after merging contiguous ones; the device kernels handle at "
                "most {} (make the input contiguous first)",
                kernel, shape_str(shape), m.shape.size(), kMaxDims);
  p.n = u32(kernel, numel(shape));
  p.ndim = static_cast<uint32_t>(m.shape.size());
  for (size_t d = 0; d < m.shape.size(); ++d) p.shape[d] = u32(kernel, m.shape[d]);
  size_t k = 0;
  for (const Tensor& t : strided) {
    p.off[k] = u32(kernel, t.offset());
    for (size_t d = 0; d < m.shape.size(); ++d) p.st[k][d] = i32_stride(kernel, m.strides[k][d]);
    ++k;
  }
  return p;
}

uint32_t group_size() { return context().config.group_size; }

std::array<uint32_t, 2> grid(const char* kernel, int64_t groups) {
  const VkPhysicalDeviceLimits& limits = context().props.limits;
  const int64_t max_x = limits.maxComputeWorkGroupCount[0], max_y = limits.maxComputeWorkGroupCount[1];
  if (groups <= max_x) return {static_cast<uint32_t>(groups), 1};
  CADENZA_CHECK(div_up(groups, max_x) <= max_y,
                "vulkan {}: {} workgroups exceed the {} x {} grid of {} (maxComputeWorkGroupCount)", kernel, groups,
                max_x, max_y, context().props.deviceName);
  return {static_cast<uint32_t>(max_x), static_cast<uint32_t>(div_up(groups, max_x))};
}

}  // namespace cadenza::vulkan
