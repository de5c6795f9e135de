#include "ops/strided_loop.h"

namespace cadenza::cpu {

Shape broadcast_byte_strides(const Tensor& t, const Shape& shape) {
  Shape out(shape.size(), 0);
  int64_t es = static_cast<int64_t>(dtype_size(t.dtype()));
  size_t off = shape.size() - t.shape().size();
  for (size_t i = 0; i < t.shape().size(); ++i)
    out[off + i] = t.shape()[i] == 1 && shape[off + i] != 1 ? 0 : t.strides()[i] * es;
  return out;
}

}  // namespace cadenza::cpu
