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
void register_nn_kernels();       // softmax, the LSTM cell
void register_attention_kernels();  // the fused attention forward
void register_window_kernels();   // unfold, fold
void register_index_kernels();    // index_select/add, gather, scatter_add
void register_random_kernels();   // random, bernoulli, multinomial, logit_filter
void register_optim_kernels();    // SGD, Adam/AdamW steps

// Fails with a clear message unless the device has what `dtype` needs.
void require_dtype(const char* kernel, DType dtype);
// "f32" / "i32" / "i64": the variant suffix of the typed shaders (f64 has none yet).
std::string typed_variant(const char* kernel, DType dtype);

// Runs fn(o) with o = out when out is dense, else with a dense temporary then copied into
// out (the elementwise and reduce shaders write dense outputs).
template <class Fn>
void with_dense_output(const Tensor& out, Fn&& fn);

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
