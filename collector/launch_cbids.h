// The runtime and driver callback ids that launch kernels: one list for the sampled-launch
// callbacks (sync_sites.cpp) and for switching launch API records on and off (cupti_setup.cpp).
#pragma once

#include <cupti.h>

#include <array>

namespace perfadvise::collector {

inline constexpr std::array<CUpti_CallbackId, 6> kRuntimeLaunchCbids{
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000,
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_ptsz_v7000,
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_v11060,
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_ptsz_v11060,
    CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_v13000,
    CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_ptsz_v13000,
};
// cuBLAS, Triton and the CUDA runtime's own kernels come through the driver.
inline constexpr std::array<CUpti_CallbackId, 4> kDriverLaunchCbids{
    CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel,
    CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx,
    CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx_ptsz,
};

template <size_t N>
constexpr bool contains(const std::array<CUpti_CallbackId, N>& cbids, CUpti_CallbackId cbid) {
  for (CUpti_CallbackId c : cbids)
    if (c == cbid) return true;
  return false;
}

}  // namespace perfadvise::collector
