#include "ops/vulkan/kernels.h"
#include "engine/vulkan/context.h"

namespace cadenza::vulkan {

void require_dtype(const char* kernel, DType dtype) {
  if (dtype == DType::i64)
    CADENZA_CHECK(context().int64, "vulkan {}: i64 tensors need shaderInt64, which {} lacks", kernel,
                  context().props.deviceName);
  if (dtype == DType::f64)
    CADENZA_CHECK(context().float64, "vulkan {}: f64 tensors need shaderFloat64, which {} lacks", kernel,
                  context().props.deviceName);
}

void require_f32(const char* kernel, const Tensor& t) {
  CADENZA_CHECK(t.dtype() == DType::f32, "vulkan {}: {} tensors are not supported on the device (f32 only)", kernel,
                dtype_name(t.dtype()));
}

std::string typed_variant(const char* kernel, DType dtype) {
  CADENZA_CHECK(dtype != DType::f64, "vulkan {}: f64 is not supported on the device yet (use f32)", kernel);
  require_dtype(kernel, dtype);
  return std::string(dtype_name(dtype));
}

std::string f64_or_f32(const std::string& base, const char* f64_name) {
  return base + (context().float64 ? f64_name : "_f32");
}

void run_flat(const std::string& module, const std::vector<uint32_t>& spec, const void* push, size_t push_bytes,
              int64_t n, std::initializer_list<Arg> args) {
  if (n == 0) return;
  const Pipeline& p = pipeline(module, spec);
  auto [gx, gy] = grid(p.name.c_str(), div_up(n, group_size()));
  stream().dispatch(p, args, push, push_bytes, gx, gy);
}

uint32_t offset_of(const char* kernel, const Tensor& t) { return u32(kernel, t.offset()); }
uint32_t words_of(const Tensor& t) { return static_cast<uint32_t>(dtype_size(t.dtype()) / 4); }

void run_elementwise(const std::string& module, const std::vector<uint32_t>& spec, const ElementwisePush& p,
                     std::initializer_list<Arg> args) {
  if (p.n == 0) return;
  const Pipeline& pipe = pipeline(module, spec);
  auto [gx, gy] = grid(pipe.name.c_str(), div_up(p.n, group_size()));
  stream().dispatch(pipe, args, &p, sizeof p, gx, gy);
}

void dispatch_elementwise(const char* kernel, const std::string& module, const std::vector<uint32_t>& spec,
                          const Tensor& out, std::initializer_list<Tensor> inputs, float a, float b) {
  CADENZA_CHECK(inputs.size() >= 1 && inputs.size() <= 3, "vulkan {}: 1 to 3 elementwise inputs, not {}", kernel,
                inputs.size());
  with_dense_output(out, [&](const Tensor& o) {
    ElementwisePush p = elementwise_push(kernel, o.shape(), inputs);
    p.a = a;
    p.b = b;
    p.off[3] = u32(kernel, o.offset());
    const Tensor* in = inputs.begin();
    const Arg y{buffer_of(o), true};
    // Stream::dispatch takes its bindings as a braced list: one per arity.
    if (inputs.size() == 1) run_elementwise(module, spec, p, {y, {buffer_of(in[0]), false}});
    if (inputs.size() == 2) run_elementwise(module, spec, p, {y, {buffer_of(in[0]), false}, {buffer_of(in[1]), false}});
    if (inputs.size() == 3)
      run_elementwise(module, spec, p,
                      {y, {buffer_of(in[0]), false}, {buffer_of(in[1]), false}, {buffer_of(in[2]), false}});
  });
}

}  // namespace cadenza::vulkan
