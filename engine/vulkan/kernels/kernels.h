#pragma once
// The Vulkan side of the engine's kernels (ops/*.h declare them). register_kernels() is
// called once by available() and fills each kernel's Vulkan slot.
#include <initializer_list>
#include <string>
#include <vector>

#include "engine/tensor.h"
#include "engine/vulkan/layout.h"
#include "engine/vulkan/stream.h"

namespace cadenza::vulkan {

void register_kernels();
void register_elementwise_kernels();
void register_reduce_kernels();
void register_matmul_kernels();

// Fails with a clear message unless the device has what `dtype` needs.
void require_dtype(const char* kernel, DType dtype);
// "f32" / "i32" / "i64": the variant suffix of the typed shaders (f64 has none yet).
std::string typed_variant(const char* kernel, DType dtype);

// Runs fn(o) with o = out when out is dense, else with a dense temporary then copied into
// out (the elementwise and reduce shaders write dense outputs).
template <class Fn>
void with_dense_output(const Tensor& out, Fn&& fn);

// Records a 1-D elementwise shader over p.n elements.
void run_elementwise(const std::string& module, const std::vector<uint32_t>& spec, const ElementwisePush& p,
                     std::initializer_list<Arg> args);

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
