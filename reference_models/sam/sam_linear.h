// One linear layer in the form the variant computes it: dense in the model's dtype, FP8 rowwise,
// 2:4 sparse through cuSPARSELt, or the fp32 fake-quantized reference of FP8.
#pragma once

#include "sam/sam_kernels.h"
#include "sam/sam_model.h"

#include <ATen/ATen.h>

namespace sam {

// x rounded to e4m3 with one scale per row (amax / 448) and back, in x's dtype: what the FP8
// GEMM sees, computed in fp32 for the reference.
at::Tensor fake_quant_rows(const at::Tensor& x);

class Linear {
 public:
  Linear() = default;
  // weight [N, K] and bias [N] (may be undefined) in fp32.
  // fast_accum: FP8 only, _scaled_mm's use_fast_accum.
  Linear(const at::Tensor& weight, const at::Tensor& bias, at::ScalarType dtype, GemmKind gemm,
         bool fast_accum = false);

  // x [..., K] -> [..., N].
  at::Tensor operator()(const at::Tensor& x) const;
  // Rows: FP8 layers take e4m3 rows as they are and quantize bf16 rows with our kernel.
  at::Tensor operator()(const Rows& x) const;
  // GELU(x W^T + b) for the fused path: the tanh form in the cuBLASLt epilogue (dense), after the
  // cuSPARSELt GEMM (2:4), or exact GELU fused with the next layer's quantization (FP8).
  Rows gelu(const Rows& x) const;

 private:
  at::Tensor dense(const at::Tensor& x) const;
  at::Tensor fp8(const Rows& x, bool add_bias) const;
  at::Tensor sparse(const at::Tensor& x) const;

  GemmKind gemm_ = GemmKind::kDense;
  at::Tensor weight_;        // [N, K]; e4m3 for FP8; cuSPARSELt-compressed for 2:4
  at::Tensor weight_scale_;  // FP8: [1, N] dequant scale per output channel
  at::Tensor bias_;
  int64_t out_features_ = 0;
  bool fast_accum_ = false;
};

}  // namespace sam
