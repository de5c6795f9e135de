#include "engine/vulkan/context.h"
#include "engine/vulkan/kernels/kernels.h"

namespace cadenza::vulkan {

void register_kernels() {
  register_elementwise_kernels();
  register_reduce_kernels();
  register_matmul_kernels();
  register_nn_kernels();
  register_window_kernels();
  register_index_kernels();
  register_random_kernels();
  register_optim_kernels();
}

void require_dtype(const char* kernel, DType dtype) {
  if (dtype == DType::i64)
    CADENZA_CHECK(context().int64, "vulkan {}: i64 tensors need shaderInt64, which {} lacks", kernel,
                  context().props.deviceName);
  if (dtype == DType::f64)
    CADENZA_CHECK(context().float64, "vulkan {}: f64 tensors need shaderFloat64, which {} lacks", kernel,
                  context().props.deviceName);
}

std::string typed_variant(const char* kernel, DType dtype) {
  CADENZA_CHECK(dtype != DType::f64, "vulkan {}: f64 is not supported on the device yet (use f32)", kernel);
  require_dtype(kernel, dtype);
  return std::string(dtype_name(dtype));
}

void run_flat(const std::string& module, const std::vector<uint32_t>& spec, const void* push, size_t push_bytes,
              int64_t n, std::initializer_list<Arg> args) {
  if (n == 0) return;
  auto [gx, gy] = grid(div_up(n, kGroupSize));
  stream().dispatch(pipeline(module, spec), args, push, push_bytes, gx, gy);
}

uint32_t offset_of(const char* kernel, const Tensor& t) { return u32(kernel, t.offset()); }
uint32_t words_of(const Tensor& t) { return static_cast<uint32_t>(dtype_size(t.dtype()) / 4); }

void run_elementwise(const std::string& module, const std::vector<uint32_t>& spec, const ElementwisePush& p,
                     std::initializer_list<Arg> args) {
  if (p.n == 0) return;
  auto [gx, gy] = grid(div_up(p.n, kGroupSize));
  stream().dispatch(pipeline(module, spec), args, &p, sizeof p, gx, gy);
}

}  // namespace cadenza::vulkan
