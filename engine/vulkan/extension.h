#pragma once
// How a kernel's Vulkan slot gets filled: every built-in kernel (ops/vulkan/) does it this
// way, and so does an op defined in another library (the example in examples/custom/, or a
// project using the installed package), which ships its own compute shader and uses the
// helpers the built-in kernels use.
//
//  1. CMake: cadenza_add_shaders(my_lib my_op.comp) (cmake/CadenzaShaders.cmake) compiles
//     the shader with glslc, validates it with spirv-val and embeds it; the generated source
//     holds one ShaderRegistration per module, so pipeline("my_op") finds it at run time.
//     A shader that includes "elementwise.glsl" gets the strided elementwise push constants;
//     one for run_flat includes "group.glsl" (its workgroup size is the runtime's choice from
//     the device's limits, so never write one into the shader).
//  2. C++: write `void my_op_vk(<the kernel's signature>)` with the helpers of
//     ops/vulkan/kernels.h (dispatch_elementwise for elementwise work; run_flat or
//     stream().dispatch(pipeline(...), ...) with buffer_of(tensor) otherwise), and
//        const vulkan::KernelRegistration my_op_vulkan([] { my_op_kernel.set_vulkan(&my_op_vk); });
//     The slot is filled when the backend starts (static initialisation order across files
//     is unspecified, so a kernel object may not exist yet when the registration does).
//  3. Link the library whole into the executable, as for CADENZA_REGISTER_OP.
// Then tests/vulkan's registry walk compares the op on both devices like a built-in one.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/vulkan/spirv.h"

namespace cadenza::vulkan {

// Adds a SPIR-V module under `name` (the words are not copied: they must live as long as
// the program, as generated static arrays do). A name that is already taken, by a built-in
// shader or another registration, is refused when used: pipeline(name) then fails naming it.
void register_shader(const char* name, const uint32_t* words, size_t count);

// The registered module called `name`, or null. Throws for a name registered twice or a
// module that is not SPIR-V.
const SpirvModule* find_registered_shader(const std::string& name);

// Runs fn when the backend starts; at once if it has already started.
void on_start(void (*fn)());
// Called once by the backend's start-up: runs every on_start function.
void run_start_hooks();

struct ShaderRegistration {
  ShaderRegistration(const char* name, const uint32_t* words, size_t count) { register_shader(name, words, count); }
};
struct KernelRegistration {
  explicit KernelRegistration(void (*fn)()) { on_start(fn); }
};

}  // namespace cadenza::vulkan
