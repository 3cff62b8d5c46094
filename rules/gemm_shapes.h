// GEMM shapes recorded from cuBLAS calls (GemmCall), joined to the kernels they launched: the
// data GEMM-ALIGNMENT and MEMORY-BOUND-DECODE need.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "analyzer/rule_context.h"
#include "rules/rule_util.h"

namespace perfadvise {

struct GemmInstance {
  const GemmCall* call = nullptr;
  uint32_t index = 0;  // in Profile::gemms
  TimeNs time = 0;     // GPU time of its kernels
  uint32_t first_kernel = 0;
  double flops() const {
    return 2.0 * double(call->m) * double(call->n) * double(call->k) * double(call->batch);
  }
  /// Bytes of A, B and C at the call's element types.
  double bytes() const;
};

/// Every recorded GEMM whose first kernel starts in a measured step, with the GPU time of all
/// the kernels it launched (Profile::gemm_of: a GEMM and its split-K reduction are one call).
std::vector<GemmInstance> gemms_in_steps(const RuleContext& c);

/// "cublasLtMatmul bf16 m=49 n=64 k=1024" (", batch=8" when batched).
std::string gemm_label(const Profile& p, const GemmCall& g);
/// The framework op around kernel `k`'s launch ("aten::addmm"), or "" (no --torch-ops).
std::string kernel_op(const Profile& p, uint32_t k);
/// What a user recognizes a kernel's GEMM by: "aten::addmm: cublasLtMatmul bf16 m=49 n=64
/// k=1024", or `fallback` when no GEMM call is linked to the kernel.
std::string gemm_description(const Profile& p, uint32_t k, const std::string& fallback);

/// Kernel time (measured steps) of the kernels `pick` accepts, grouped by gemm_description()
/// (op and shape where a GEMM call is linked, else the short kernel name).
SiteGroups group_by_gemm(const RuleContext& c, const std::function<bool(uint32_t)>& pick);

/// Size in bytes of a cudaDataType element (0 when unknown).
int element_bytes(uint16_t cuda_data_type);
/// Elements a dimension should be a multiple of for tensor cores: 8 for 16-bit, 4 for 32-bit
/// (TF32), 16 for 8-bit types.
int tensor_core_alignment(uint16_t cuda_data_type);
/// "bf16", "fp16", "fp32", ...
std::string data_type_name(uint16_t cuda_data_type);

}  // namespace perfadvise
