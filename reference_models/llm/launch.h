// Kernel launches of the fused decode step with programmatic dependent launch (PDL, sm_90):
// a kernel may start while the previous one still runs, so that a GEMV issues its weight loads
// (which depend on nothing) during the previous kernel's tail instead of after it. Each kernel
// calls pdl_trigger() at its start (its successor may be scheduled as soon as every block of
// this one has started) and pdl_wait() before it reads or writes any activation: the wait
// returns once the previous kernel has finished and its writes are visible, and since that
// kernel waited for its own predecessor, every earlier kernel has finished too. Without the
// launch attribute both instructions do nothing. LLM_PDL=0 in the environment turns PDL off.
// A kernel that follows a copy rather than a kernel is launched with `programmatic` false.
#pragma once

#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace llm {

__device__ __forceinline__ void pdl_wait() {
  asm volatile("griddepcontrol.wait;" ::: "memory");
}

__device__ __forceinline__ void pdl_trigger() {
  asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
}

inline bool pdl_enabled() {
  static const bool enabled = [] {
    const char* env = std::getenv("LLM_PDL");
    return env == nullptr || env[0] != '0';
  }();
  return enabled;
}

template <typename... Params, typename... Args>
void launch_kernel(const char* what, void (*kernel)(Params...), dim3 grid, dim3 block,
                   size_t shared_bytes, cudaStream_t stream, bool programmatic, Args&&... args) {
  cudaLaunchAttribute attribute{};
  attribute.id = cudaLaunchAttributeProgrammaticStreamSerialization;
  attribute.val.programmaticStreamSerializationAllowed = 1;
  cudaLaunchConfig_t config{};
  config.gridDim = grid;
  config.blockDim = block;
  config.dynamicSmemBytes = shared_bytes;
  config.stream = stream;
  config.attrs = &attribute;
  config.numAttrs = programmatic && pdl_enabled() ? 1 : 0;
  cudaError_t err = cudaLaunchKernelEx(&config, kernel, std::forward<Args>(args)...);
  if (err == cudaSuccess) err = cudaGetLastError();
  if (err != cudaSuccess) {
    std::fprintf(stderr, "%s launch failed: %s\n", what, cudaGetErrorString(err));
    std::abort();
  }
}

}  // namespace llm
