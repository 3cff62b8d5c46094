// Our fused CUDA kernels for the SAM encoder (variant `fused` and later). They work on "rows":
// a [rows, channels] bf16 matrix whose rows are the tokens of a [batch, grid, grid] map, either in
// token order (window 0) or in the order of SAM's window_partition with zero-padded windows.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace sam {

struct TokenGrid {
  int64_t batch = 1;
  int64_t grid = 64;  // tokens per side
};

// A matrix of activations: bf16 (scale undefined) or e4m3 with a per-row dequant scale [rows, 1].
struct Rows {
  at::Tensor data;
  at::Tensor scale;
};

// Number of rows of the layout: tokens, or zero-padded windows of `window`x`window` tokens.
int64_t layout_rows(const TokenGrid& grid, int64_t window);

// x (token order) += delta (rows in the layout of delta_window), if delta is defined; then returns
// LayerNorm(x) (eps 1e-6) in the layout of out_window, with zeros in padding rows. With fp8 the
// result is quantized rowwise to e4m3 (scale = amax / 448) in the same pass.
Rows add_layernorm(at::Tensor& x, const at::Tensor& delta, int64_t delta_window,
                   const at::Tensor& gamma, const at::Tensor& beta, int64_t out_window,
                   const TokenGrid& grid, bool fp8);

// in [M, N] bf16, plus bias and exact (erf) GELU when asked, quantized rowwise to e4m3.
Rows quantize_rows(const at::Tensor& in, const at::Tensor& bias, bool gelu);

}  // namespace sam
