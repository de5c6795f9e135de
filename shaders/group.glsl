// The workgroup of the 1-D kernels (one invocation per element, row or output). Its size is
// the runtime's choice from the device's limits, specialization constant 100
// (vulkan::kernel_config().group_size, a power of two), so no shader assumes one.
layout(local_size_x_id = 100) in;

// The flat index of this invocation; the grid spills into y past maxComputeWorkGroupCount[0].
uint flat_id() {
  return (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
}
