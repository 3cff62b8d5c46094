// GEMM shapes recorded from cuBLAS calls (GemmCall), joined to the kernels they launched: the
// data GEMM-ALIGNMENT and MEMORY-BOUND-DECODE need.
#pragma once

#include <string>
#include <vector>

#include "analyzer/rule_context.h"

namespace perfadvise {

struct GemmInstance {
  const GemmCall* call = nullptr;
  TimeNs time = 0;  // GPU time of its kernels
  uint32_t first_kernel = 0;
  double flops() const {
    return 2.0 * double(call->m) * double(call->n) * double(call->k) * double(call->batch);
  }
  /// Bytes of A, B and C at the call's element types.
  double bytes() const;
};

/// Every recorded GEMM whose first kernel starts in a measured step.
std::vector<GemmInstance> gemms_in_steps(const RuleContext& c);

/// Size in bytes of a cudaDataType element (0 when unknown).
int element_bytes(uint16_t cuda_data_type);
/// Elements a dimension should be a multiple of for tensor cores: 8 for 16-bit, 4 for 32-bit
/// (TF32), 16 for 8-bit types.
int tensor_core_alignment(uint16_t cuda_data_type);
/// "bf16", "fp16", "fp32", ...
std::string data_type_name(uint16_t cuda_data_type);

}  // namespace perfadvise
