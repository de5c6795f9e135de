#pragma once
// What the Vulkan kernels of ops/vulkan/ share (and what a kernel from outside the project
// uses, engine/vulkan/extension.h). Each file there is named after the ops/*.h it serves and
// fills that op's Vulkan slots with a KernelRegistration when the backend starts.
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "engine/tensor.h"
#include "engine/vulkan/layout.h"
#include "engine/vulkan/stream.h"

namespace cadenza::vulkan {

// Fails in one line naming the kernel unless t is f32 (the dtype of most device kernels).
void require_f32(const char* kernel, const Tensor& t);
// Fails with a clear message unless the device has what `dtype` needs.
void require_dtype(const char* kernel, DType dtype);
// "f32" / "i32" / "i64": the variant suffix of the typed shaders (f64 has none yet).
std::string typed_variant(const char* kernel, DType dtype);

// Runs fn(o) with o = out when out is dense, else with a dense temporary then copied into
// out (the elementwise and reduce shaders write dense outputs).
template <class Fn>
void with_dense_output(const Tensor& out, Fn&& fn);

// A 64-bit value (a Philox seed or offset, an f64 parameter's bits) as two push-constant words.
struct Words64 {
  uint32_t lo, hi;
};
inline Words64 words(uint64_t v) { return {static_cast<uint32_t>(v), static_cast<uint32_t>(v >> 32)}; }
inline Words64 double_bits(double d) {
  uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return words(u);
}
// `base` + f64_name when the device has shaderFloat64 (the variant that reproduces the CPU's
// f64 arithmetic), else base + "_f32".
std::string f64_or_f32(const std::string& base, const char* f64_name);

// Records a shader with one invocation per element of n (256 per workgroup, the grid
// spilling into y), push constants p.
void run_flat(const std::string& module, const std::vector<uint32_t>& spec, const void* push, size_t push_bytes,
              int64_t n, std::initializer_list<Arg> args);
// A tensor's element offset (32-bit, checked) and the 32-bit index words per element.
uint32_t offset_of(const char* kernel, const Tensor& t);
uint32_t words_of(const Tensor& t);

// Records a 1-D elementwise shader over p.n elements.
void run_elementwise(const std::string& module, const std::vector<uint32_t>& spec, const ElementwisePush& p,
                     std::initializer_list<Arg> args);

// The whole elementwise kernel: shader `module` (one that includes elementwise.glsl) writes
// out, of any layout (through a dense temporary when out is not dense), from 1 to 3 inputs
// of any strides broadcast to out's shape. Binding 0 is the output, bindings 1.. the inputs;
// a and b reach the shader as pc.pa and pc.pb. `kernel` names the kernel in errors.
void dispatch_elementwise(const char* kernel, const std::string& module, const std::vector<uint32_t>& spec,
                          const Tensor& out, std::initializer_list<Tensor> inputs, float a = 0, float b = 0);

}  // namespace cadenza::vulkan

#include "ops/copy.h"

template <class Fn>
void cadenza::vulkan::with_dense_output(const Tensor& out, Fn&& fn) {
  if (out.is_contiguous()) {
    fn(out);
    return;
  }
  Tensor tmp = make_tensor(out.shape(), out.dtype(), out.device());
  fn(tmp);
  copy_kernel(out.device(), tmp, out);
}
