// Fused Swin window kernels: each moves every token once, where the reference does torch.roll,
// a view/permute/reshape copy and (after attention) the reverse permute, the reverse roll and
// the residual add as separate full-tensor passes. Plain functions, no autograd: the training
// ladder wraps them in window_autograd.h.
#pragma once

#include <ATen/ATen.h>

namespace swin {

// x: (B, H*W, C) tokens in image order -> (B*nW, window*window, C) tokens in window order, after
// rolling the image by (-shift, -shift) as the shifted-window blocks do.
at::Tensor window_partition(const at::Tensor& x, int64_t height, int64_t width, int64_t window,
                            int64_t shift);

// The inverse: windows (B*nW, window*window, C) -> (B, H*W, C) in image order, rolled back by
// (+shift, +shift), plus `residual` (B, H*W, C) when it is defined.
at::Tensor window_merge(const at::Tensor& windows, const at::Tensor& residual, int64_t height,
                        int64_t width, int64_t window, int64_t shift);

}  // namespace swin
