// Synthetic workloads shaped like the project's samples: the masked-loss training toy (baseline
// with nonzero / index assignment / unique / boolean-mask syncs, and the fixed version), an
// eager decode loop (tiny kernels, a CPU-built position tensor and a read-back per token), and
// a plain CUDA loop. Kernel and API names are the real ones those programs record.
#pragma once

#include "tests/analyzer/workload_sim.h"

namespace perfadvise::testing {

struct TrainingOptions {
  int steps = 12;
  bool fixed = false;           // the masked-loss fixes applied: no syncs
  bool fused_optimizer = true;  // multi_tensor_apply; false: per-parameter kernels
  bool nvtx = false;            // ProfilerStep#N ranges around each step
  TimeNs data_loading = 0;      // host time before each step's first launch
};

/// The masked-loss training toy. Returns the built profile.
Profile masked_loss_training(const TrainingOptions& options);

struct DecodeOptions {
  int tokens = 40;
  int layers = 16;
  bool cpu_built_positions = true;  // torch.tensor([pos], device="cuda") each token
  bool read_back_token = true;      // next_token.item() each token
};

/// A batch-1 eager decode loop: about 18 kernels per layer plus embedding, norm, head, sampling.
Profile eager_decode(const DecodeOptions& options);

/// Kernel names used by the scenarios (also what the taxonomy tests check).
inline constexpr const char* kConvKernel =
    "sm90_xmma_fprop_implicit_gemm_f32f32_tf32f32_f32_nhwckrsc_nhwc_tilesize128x128x32_"
    "warpgroupsize1x1x1_g1_execute_segment_k_off_kernel__5x_cudnn";
inline constexpr const char* kGemmBf16 =
    "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64_warpgroupsize1x1x1_execute_"
    "segment_k_off_kernel__5x_cublas";
inline constexpr const char* kSgemm = "ampere_sgemm_128x64_tn";
inline constexpr const char* kGemv =
    "void gemv2T_kernel_val<int, int, __nv_bfloat16, __nv_bfloat16, float, 128, 16, 4, 4, false, "
    "false, cublasGemvParamsEx<int, cublasGemvTensorStridedBatched<__nv_bfloat16 const>, "
    "cublasGemvTensorStridedBatched<__nv_bfloat16 const>, cublasGemvTensorStridedBatched<__nv_"
    "bfloat16>, float> >(float, float)";
inline constexpr const char* kAddKernel =
    "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, "
    "std::array<char*, 3ul> >(int, at::native::CUDAFunctor_add<float>, std::array<char*, 3ul>)";
inline constexpr const char* kMulKernel =
    "void at::native::vectorized_elementwise_kernel<4, at::native::BinaryFunctor<float, float, "
    "float, at::native::binary_internal::MulFunctor<float> >, std::array<char*, 3ul> >(int, "
    "at::native::BinaryFunctor<float, float, float, at::native::binary_internal::MulFunctor<"
    "float> >, std::array<char*, 3ul>)";
inline constexpr const char* kSoftmaxKernel =
    "void at::native::(anonymous namespace)::cunn_SoftMaxForward<4, float, float, float, "
    "at::native::(anonymous namespace)::SoftMaxForwardEpilogue>(float*, float const*, int)";
inline constexpr const char* kRadixSortKernel =
    "void cub::DeviceRadixSortOnesweepKernel<cub::DeviceRadixSortPolicy<long, cub::NullType, "
    "unsigned int>::Policy900, false, long, cub::NullType, unsigned int, int, int>(int*, int*, "
    "long*, long*, long const*, cub::NullType*, cub::NullType const*, int, int, int)";
inline constexpr const char* kSelectKernel =
    "void cub::DeviceSelectSweepKernel<cub::DispatchSelectIf<cub::CountingInputIterator<long, "
    "long>, at::native::(anonymous namespace)::NonZeroOp<bool> > >()";
inline constexpr const char* kIndexKernel =
    "void at::native::index_elementwise_kernel<128, 4, at::native::gpu_index_kernel<at::native::"
    "index_put_kernel_impl<at::native::OpaqueType<8> >(at::TensorIterator&, c10::ArrayRef<long>, "
    "c10::ArrayRef<long>)::{lambda(char*, char const*, long)#1}>(at::TensorIteratorBase&, "
    "c10::ArrayRef<long>, c10::ArrayRef<long>, at::native::index_put_kernel_impl<at::native::"
    "OpaqueType<8> > const&)::{lambda(int)#1}>(long, at::native::gpu_index_kernel)";
inline constexpr const char* kMultiTensorAdam =
    "void at::native::(anonymous namespace)::multi_tensor_apply_kernel<at::native::(anonymous "
    "namespace)::TensorListMetadata<4>, at::native::(anonymous namespace)::FusedAdamMathFunctor<"
    "float, 4, (at::native::ADAM_MODE)1, false>, float*, double, double>()";
inline constexpr const char* kCrossEntropyKernel =
    "void at::native::(anonymous namespace)::nll_loss2d_forward_kernel<float, float, long>()";
inline constexpr const char* kRmsNormKernel =
    "void at::native::(anonymous namespace)::vectorized_layer_norm_kernel<c10::BFloat16, float>()";
inline constexpr const char* kFlashKernel =
    "void pytorch_flash::flash_fwd_kernel<Flash_fwd_kernel_traits<128, 128, 64, 4, false, false, "
    "cutlass::bfloat16_t, Flash_kernel_traits<128, 128, 64, 4, cutlass::bfloat16_t> >, false, "
    "true, false, false, true, true, false, false>(pytorch_flash::Flash_fwd_params)";
inline constexpr const char* kArgmaxKernel =
    "void at::native::reduce_kernel<512, 1, at::native::ReduceOp<c10::BFloat16, at::native::"
    "ArgMaxOps<c10::BFloat16>, unsigned int, long, 4> >(at::native::ReduceOp<c10::BFloat16, "
    "at::native::ArgMaxOps<c10::BFloat16>, unsigned int, long, 4>)";

}  // namespace perfadvise::testing
