#include <catch2/catch.hpp>

#include "rules/taxonomy.h"
#include "tests/analyzer/scenarios.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

struct Expect {
  const char* name;
  KernelCategory category;
  KernelDtype dtype = KernelDtype::kUnknown;
  bool tensor_cores = false;
};

}  // namespace

TEST_CASE("the taxonomy classifies the real kernel names of the samples") {
  const Expect cases[] = {
      {kGemmBf16, KernelCategory::kGemm, KernelDtype::kBf16, true},
      {kSgemm, KernelCategory::kGemm, KernelDtype::kFp32, false},
      // cuBLAS 13 (samples/decode_loop.sqlite, reference_models/swin): no dtype in the name;
      // the epilogue's "gelubias" must not make it elementwise.
      {"nvjet_sm90_tst_64x8_64x16_4x1_v_bz_splitK_TNT", KernelCategory::kGemm,
       KernelDtype::kUnknown, true},
      {"nvjet_sm90_tst_192x192_64x4_2x1_v_bz_coopB_gelubias_TNN", KernelCategory::kGemm,
       KernelDtype::kUnknown, true},
      {"sm90_xmma_gemm_f32f32_f32f32_f32_tn_n_tilesize128x128x32_warpgroupsize1x1x1_execute_"
       "segment_k_off_kernel__5x_cublas",
       KernelCategory::kGemm, KernelDtype::kFp32, false},
      {"sm90_xmma_gemm_f32f32_tf32f32_f32_tn_n_tilesize128x128x32_cublas", KernelCategory::kGemm,
       KernelDtype::kTf32, true},
      {"void cutlass::Kernel2<cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_32x6_tn_align8>"
       "(cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_32x6_tn_align8::Params)",
       KernelCategory::kGemm, KernelDtype::kBf16, true},
      {kGemv, KernelCategory::kGemm, KernelDtype::kBf16, true},
      {kConvKernel, KernelCategory::kConvolution, KernelDtype::kTf32, true},
      {"void implicit_convolve_sgemm<float, float, 128, 5, 5, 3, 3, 3, 1, false, false, true>()",
       KernelCategory::kConvolution, KernelDtype::kFp32, false},
      {kFlashKernel, KernelCategory::kAttention, KernelDtype::kBf16, true},
      {"fmha_cutlassF_bf16_aligned_64x64_rf_sm80(PyTorchMemEffAttention::AttentionKernel<"
       "cutlass::bfloat16_t, cutlass::arch::Sm80, true, 64, 64, 64, true, true>::Params)",
       KernelCategory::kAttention, KernelDtype::kBf16, true},
      {"cudnn_generated_fort_native_sdpa_sm90_flash_fprop_wgmma_f16_knob_3_64x64x128_4x1x1_"
       "kernel0_0",
       KernelCategory::kAttention, KernelDtype::kFp16, true},
      {kSoftmaxKernel, KernelCategory::kSoftmax},
      {kRmsNormKernel, KernelCategory::kNorm},
      {"void at::native::(anonymous namespace)::rms_norm_kernel<float>()", KernelCategory::kNorm},
      {kAddKernel, KernelCategory::kElementwise},
      {"void at::native::unrolled_elementwise_kernel<at::native::FillFunctor<float>, "
       "std::array<char*, 1ul>, 4, TrivialOffsetCalculator<0, unsigned int> >()",
       KernelCategory::kElementwise},
      {kArgmaxKernel, KernelCategory::kReduction},
      {"void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::MeanOps<"
       "float, float, float, float>, unsigned int, float, 4> >()",
       KernelCategory::kReduction},
      {kIndexKernel, KernelCategory::kIndex},
      {"void at::native::(anonymous namespace)::indexSelectLargeIndex<c10::BFloat16>()",
       KernelCategory::kIndex},
      {kRadixSortKernel, KernelCategory::kSort},
      {kSelectKernel, KernelCategory::kSort},
      {"void at::native::roll_cuda_kernel<float>(float const*, float*, long, long, long, long, "
       "long, long)",
       KernelCategory::kCopy},
      {"void at::native::(anonymous namespace)::CatArrayBatchedCopy<c10::BFloat16>()",
       KernelCategory::kCopy},
      {"void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl_nocast<at::native"
       "::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#3}>()",
       KernelCategory::kCopy},
      {kMultiTensorAdam, KernelCategory::kOptimizer},
      {"void at::native::(anonymous namespace)::multi_tensor_apply_kernel<at::native::(anonymous "
       "namespace)::TensorListMetadata<2>, at::native::(anonymous namespace)::"
       "BinaryOpListAlphaFunctor<float, 2, 2, 0>, std::plus<float>, float>()",
       KernelCategory::kOptimizer},
      {"ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevKernelArgsStorage<4096ul>)",
       KernelCategory::kCommunication},
      {"triton_poi_fused_add_mul_0", KernelCategory::kTriton},
      {"triton_red_fused__to_copy_add_mean_mul_pow_rsqrt_1", KernelCategory::kTriton},
      {"my_custom_kernel(float*)", KernelCategory::kUnknown},
  };
  for (const Expect& e : cases) {
    INFO(e.name);
    const KernelClass c = classify_kernel(e.name);
    CHECK(category_name(c.category) == category_name(e.category));
    if (e.dtype != KernelDtype::kUnknown) {
      CHECK(dtype_name(c.dtype) == dtype_name(e.dtype));
      CHECK(c.tensor_cores == e.tensor_cores);
    }
  }
}

TEST_CASE("kernel names of a profile are classified once per distinct name") {
  const Profile p = masked_loss_training({.steps = 2});
  const std::vector<KernelClass> classes = classify_kernel_names(p);
  REQUIRE(classes.size() == p.strings.size());
  size_t conv = 0;
  for (const Kernel& k : p.kernels)
    conv += classes[k.name].category == KernelCategory::kConvolution;
  CHECK(conv > 0);
}
