#include "swin/window_autograd.h"

#include <torch/csrc/autograd/custom_function.h>

#include "swin/window_ops.h"

namespace swin {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

void save_geometry(AutogradContext* ctx, int64_t height, int64_t width, int64_t window,
                   int64_t shift) {
  ctx->saved_data["height"] = height;
  ctx->saved_data["width"] = width;
  ctx->saved_data["window"] = window;
  ctx->saved_data["shift"] = shift;
}

int64_t saved(AutogradContext* ctx, const char* key) {
  return ctx->saved_data[key].toInt();
}

struct PartitionFunction : public torch::autograd::Function<PartitionFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, int64_t height,
                            int64_t width, int64_t window, int64_t shift) {
    save_geometry(ctx, height, width, window, shift);
    return window_partition(x.contiguous(), height, width, window, shift);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto grad = window_merge(grads[0].contiguous(), at::Tensor(), saved(ctx, "height"),
                             saved(ctx, "width"), saved(ctx, "window"), saved(ctx, "shift"));
    return {grad, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

struct MergeFunction : public torch::autograd::Function<MergeFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& windows,
                            const at::Tensor& residual, int64_t height, int64_t width,
                            int64_t window, int64_t shift) {
    save_geometry(ctx, height, width, window, shift);
    return window_merge(windows.contiguous(), residual.contiguous(), height, width, window, shift);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto grad = grads[0].contiguous();
    auto grad_windows = window_partition(grad, saved(ctx, "height"), saved(ctx, "width"),
                                         saved(ctx, "window"), saved(ctx, "shift"));
    return {grad_windows, grad, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

at::Tensor fused_window_partition(const at::Tensor& x, int64_t height, int64_t width,
                                  int64_t window, int64_t shift) {
  return PartitionFunction::apply(x, height, width, window, shift);
}

at::Tensor fused_window_merge(const at::Tensor& windows, const at::Tensor& residual, int64_t height,
                              int64_t width, int64_t window, int64_t shift) {
  return MergeFunction::apply(windows, residual, height, width, window, shift);
}

}  // namespace swin
