// The fused window kernels as autograd functions: partition and merge are permutations of
// tokens, so each one's backward is the other one (plus the residual's identity gradient).
#pragma once

#include <ATen/ATen.h>

namespace swin {

at::Tensor fused_window_partition(const at::Tensor& x, int64_t height, int64_t width,
                                  int64_t window, int64_t shift);

at::Tensor fused_window_merge(const at::Tensor& windows, const at::Tensor& residual, int64_t height,
                              int64_t width, int64_t window, int64_t shift);

}  // namespace swin
