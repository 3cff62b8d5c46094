#include "rules/taxonomy.h"

#include <regex>

namespace perfadvise {
namespace {

struct TaxonomyRow {
  KernelCategory category;
  const char* detail;
  const char* pattern;  // ECMAScript regex searched in the demangled name
};

// Checked in order, first match wins. Order matters where names overlap: attention before
// GEMM (fmha_cutlass* are CUTLASS), convolution before GEMM (implicit GEMM), GEMM before
// elementwise (cuBLAS 13's nvjet_* kernels carry epilogues such as "gelubias"), index and copy
// before elementwise (they run through the elementwise launcher), softmax before reduction.
const TaxonomyRow kTaxonomy[] = {
    {KernelCategory::kCommunication, "nccl", R"(^nccl|ncclKernel|ncclDevKernel)"},
    {KernelCategory::kTriton, "pointwise", R"(^triton_poi)"},
    {KernelCategory::kTriton, "reduction", R"(^triton_(red|per))"},
    {KernelCategory::kTriton, "matmul", R"(^triton_(mm|bmm|tem))"},
    {KernelCategory::kTriton, "other", R"(^triton_|^triton\.)"},
    {KernelCategory::kAttention, "cudnn sdpa", R"(cudnn.*sdpa|sdpa.*cudnn)"},
    {KernelCategory::kAttention, "flash",
     R"(flash_fwd|flash_bwd|pytorch_flash|flash_attn|FlashAttn|flash::|flash_kernel)"},
    {KernelCategory::kAttention, "memory-efficient",
     R"(fmha_cutlass|fmha::|fmha_|AttentionKernel|attention_kernel|efficient_attention|mem_eff)"},
    {KernelCategory::kAttention, "other", R"(scaled_dot_product|_attention_)"},
    {KernelCategory::kConvolution, "cudnn",
     R"(convolve|conv2d|conv3d|conv1d|_fprop_|fprop_implicit|dgrad|wgrad|winograd|implicit_gemm|depthwise|cudnn::.*conv|conv_depthwise|im2col_kernel|col2im)"},
    {KernelCategory::kGemm, "gemv", R"(gemv|gemvx|Gemv|dot_kernel|gemvNSP)"},
    {KernelCategory::kGemm, "splitk reduce", R"(splitKreduce|splitK_reduce|reduce_1Block_kernel)"},
    {KernelCategory::kGemm, "cublas",
     R"(^nvjet_|xmma_gemm|wgmma|gemm|Gemm|GEMM|sgemm|hgemm|cublasLt|cublas|cutlass.*Kernel|matmul|_mma_)"},
    {KernelCategory::kSoftmax, "softmax", R"(softmax|SoftMax|Softmax)"},
    {KernelCategory::kNorm, "rms norm", R"(rms_norm|RMSNorm|RmsNorm|rmsnorm)"},
    {KernelCategory::kNorm, "layer norm", R"(layer_norm|LayerNorm|layernorm)"},
    {KernelCategory::kNorm, "batch norm",
     R"(batch_norm|BatchNorm|batchnorm|bn_fw|bn_bw|cudnn::bn)"},
    {KernelCategory::kNorm, "group norm", R"(group_norm|GroupNorm|InstanceNorm|instance_norm)"},
    {KernelCategory::kOptimizer, "fused",
     R"(fused_adam|FusedAdam|fused_sgd|FusedSgd|_fused_adamw?_|adam_kernel|AdamFunctor|multi_tensor_adam|LAMB|lamb_stage)"},
    {KernelCategory::kOptimizer, "multi_tensor_apply", R"(multi_tensor_apply)"},
    {KernelCategory::kCommunication, "p2p", R"(^nvshmem|cross_device_reduce|one_shot_all_reduce)"},
    {KernelCategory::kSort, "radix sort",
     R"(RadixSort|radix_sort|DeviceSegmentedSort|segmented_sort|bitonicSort|sort_kernel|SortKernel)"},
    {KernelCategory::kSort, "select / unique / nonzero",
     R"(DeviceSelect|DeviceScan|nonzero|unique|DeviceRunLength|write_indices|flag_kernel|compute_num_nonzero)"},
    {KernelCategory::kReduction, "cub reduce", R"(cub::.*Reduce|DeviceReduce|DeviceHistogram)"},
    {KernelCategory::kIndex, "index",
     R"(index_elementwise|index_kernel|indexSelect|index_select|indexFuncLargeIndex|indexFuncSmallIndex|index_put|index_add|index_copy|indexing_backward|gather|scatter|embedding|take_along|masked_scatter|masked_fill|masked_select|vectorized_gather)"},
    {KernelCategory::kCopy, "roll", R"(roll_cuda|roll_kernel)"},
    {KernelCategory::kCopy, "cat", R"(CatArrayBatchedCopy|cat_array|catArray)"},
    {KernelCategory::kCopy, "transpose / permute", R"(transpose|permute|Transpose)"},
    {KernelCategory::kCopy, "copy (contiguous / dtype)",
     R"(direct_copy|copy_kernel|copy_device_to_device|CopyKernel|memcpy)"},
    {KernelCategory::kCopy, "pad / flip",
     R"(constant_pad|reflection_pad|replication_pad|flip_kernel|tril|triu)"},
    {KernelCategory::kReduction, "reduce",
     R"(reduce_kernel|Reduce|reduction|ReduceOp|cross_entropy|nll_loss|NLLLoss|argmax|argmin|cumsum|cumprod|scan_|topk|sum_kernel|mean_kernel|norm_kernel|welford)"},
    {KernelCategory::kElementwise, "vectorized", R"(vectorized_elementwise_kernel)"},
    {KernelCategory::kElementwise, "unrolled", R"(unrolled_elementwise_kernel)"},
    {KernelCategory::kElementwise, "elementwise",
     R"(elementwise_kernel|elementwise|pointwise|FillFunctor|fill_kernel|Functor|dropout|fused_dropout|gelu|silu|relu|sigmoid|tanh|activation|launch_clamp|where_kernel|mul_kernel|add_kernel|distribution_elementwise|philox)"},
};

struct CompiledRow {
  const TaxonomyRow* row;
  std::regex regex;
};

const std::vector<CompiledRow>& compiled_taxonomy() {
  static const std::vector<CompiledRow> rows = [] {
    std::vector<CompiledRow> out;
    for (const TaxonomyRow& row : kTaxonomy) {
      out.push_back({&row, std::regex(row.pattern, std::regex::ECMAScript | std::regex::optimize)});
    }
    return out;
  }();
  return rows;
}

struct DtypeRow {
  KernelDtype dtype;
  const char* pattern;
};

// Element types, checked in order: the first that occurs anywhere in the name decides, except
// that an explicit TF32 or lower-precision token wins over "f32" (cuBLAS writes "f32f32_tf32f32").
const DtypeRow kDtypes[] = {
    {KernelDtype::kTf32, R"(tf32)"},
    {KernelDtype::kFp8, R"(e4m3|e5m2|fp8|f8f8)"},
    {KernelDtype::kBf16, R"(bf16|bfloat16|BFloat16)"},
    {KernelDtype::kFp16, R"(f16|fp16|half|Half|hgemm|h1688|h16816|h884)"},
    {KernelDtype::kInt8, R"(i8i8|int8|imma|s8s8)"},
    {KernelDtype::kFp64, R"(dgemm|f64|fp64|double)"},
    {KernelDtype::kFp32, R"(sgemm|f32|fp32|float|s1688|s16816|_s884|scudnn)"},
};

KernelDtype dtype_of(std::string_view name) {
  static const std::vector<std::pair<KernelDtype, std::regex>> rows = [] {
    std::vector<std::pair<KernelDtype, std::regex>> out;
    for (const DtypeRow& row : kDtypes)
      out.emplace_back(row.dtype, std::regex(row.pattern));
    return out;
  }();
  for (const auto& [dtype, regex] : rows) {
    if (std::regex_search(name.begin(), name.end(), regex)) return dtype;
  }
  return KernelDtype::kUnknown;
}

// Names that say tensor cores outright; otherwise the element type decides (fp32 and fp64
// GEMMs run on CUDA cores; the CUTLASS "s16816" names are TF32 tensor-op kernels). cuBLAS 13's
// nvjet_sm90_* kernels name no element type; on the H100 samples they ran every bf16 GEMM while
// fp32 GEMMs ran sm80_xmma_*_ffma kernels, so nvjet counts as tensor-op.
bool uses_tensor_cores(std::string_view name, KernelDtype dtype) {
  static const std::regex kTensorOp(R"(tensorop|wgmma|hmma|imma|s16816|s1688|_mma_|^nvjet_)");
  if (dtype == KernelDtype::kFp32 || dtype == KernelDtype::kFp64) {
    return std::regex_search(name.begin(), name.end(), kTensorOp);
  }
  if (dtype != KernelDtype::kUnknown) return true;
  return std::regex_search(name.begin(), name.end(), kTensorOp);
}

}  // namespace

KernelClass classify_kernel(std::string_view name) {
  KernelClass out;
  for (const CompiledRow& row : compiled_taxonomy()) {
    if (!std::regex_search(name.begin(), name.end(), row.regex)) continue;
    out.category = row.row->category;
    out.detail = row.row->detail;
    break;
  }
  const KernelCategory c = out.category;
  if (c == KernelCategory::kGemm || c == KernelCategory::kConvolution ||
      c == KernelCategory::kAttention) {
    out.dtype = dtype_of(name);
    out.tensor_cores = uses_tensor_cores(name, out.dtype);
  }
  return out;
}

std::string_view category_name(KernelCategory category) {
  switch (category) {
    case KernelCategory::kGemm:
      return "gemm";
    case KernelCategory::kConvolution:
      return "convolution";
    case KernelCategory::kAttention:
      return "attention";
    case KernelCategory::kSoftmax:
      return "softmax";
    case KernelCategory::kNorm:
      return "norm";
    case KernelCategory::kElementwise:
      return "elementwise";
    case KernelCategory::kReduction:
      return "reduction";
    case KernelCategory::kIndex:
      return "index";
    case KernelCategory::kSort:
      return "sort";
    case KernelCategory::kCopy:
      return "copy";
    case KernelCategory::kOptimizer:
      return "optimizer";
    case KernelCategory::kCommunication:
      return "communication";
    case KernelCategory::kTriton:
      return "triton";
    case KernelCategory::kUnknown:
      break;
  }
  return "unknown";
}

std::string_view dtype_name(KernelDtype dtype) {
  switch (dtype) {
    case KernelDtype::kFp32:
      return "fp32";
    case KernelDtype::kTf32:
      return "tf32";
    case KernelDtype::kFp16:
      return "fp16";
    case KernelDtype::kBf16:
      return "bf16";
    case KernelDtype::kFp8:
      return "fp8";
    case KernelDtype::kInt8:
      return "int8";
    case KernelDtype::kFp64:
      return "fp64";
    case KernelDtype::kUnknown:
      break;
  }
  return "unknown";
}

std::vector<KernelClass> classify_kernel_names(const Profile& profile) {
  std::vector<KernelClass> classes(profile.strings.size());
  std::vector<bool> seen(profile.strings.size(), false);
  for (const Kernel& kernel : profile.kernels) {
    if (kernel.name >= classes.size() || seen[kernel.name]) continue;
    seen[kernel.name] = true;
    classes[kernel.name] = classify_kernel(profile.strings[kernel.name]);
  }
  return classes;
}

}  // namespace perfadvise
