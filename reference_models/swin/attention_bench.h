// Micro-benchmarks of stage-1 window attention at batch 64 (4096 windows x 3 heads x 49 tokens x
// 32), the shapes the ladder's attention steps are about. Numbers are microseconds, median of 20
// calls timed with CUDA events, outside the NVTX steps.
#pragma once

#include <map>
#include <string>

namespace swin {

// The two batched GEMMs of attention (q k^T and P v), bf16, with 49 tokens and padded to 56.
std::map<std::string, double> gemm_padding_benchmark();

// SDPA backends with the (1, 3, 49, 49) bias as attn_mask: the default choice, cuDNN,
// memory-efficient, math, and matmul-softmax-matmul. A backend that refuses the inputs gets -1.
std::map<std::string, double> sdpa_backend_benchmark();

}  // namespace swin
