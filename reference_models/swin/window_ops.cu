// One thread per 16-byte chunk of a token: the destination token's source is computed from the
// window geometry (integer index math), so roll, partition and merge cost one read and one
// write of the tensor. A port of the idea in microsoft/Swin-Transformer's
// kernels/window_process, written for this ladder.
#include "swin/window_ops.h"

#include <ATen/Dispatch.h>
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>

namespace swin {
namespace {

struct Geometry {
  int64_t tokens_per_image;  // H * W
  int height, width, window, shift;
  int windows_w, windows_per_image;
};

Geometry make_geometry(int64_t height, int64_t width, int64_t window, int64_t shift) {
  TORCH_CHECK(height % window == 0 && width % window == 0, "window ", window, " does not tile ",
              height, "x", width);
  Geometry g{};
  g.tokens_per_image = height * width;
  g.height = static_cast<int>(height);
  g.width = static_cast<int>(width);
  g.window = static_cast<int>(window);
  g.shift = static_cast<int>(shift);
  g.windows_w = g.width / g.window;
  g.windows_per_image = (g.height / g.window) * g.windows_w;
  return g;
}

// Image-order token read for window-order token `token` (roll by -shift, then partition).
__device__ int64_t partition_source(int64_t token, const Geometry& g) {
  const int area = g.window * g.window;
  const int64_t win = token / area;
  const int t = static_cast<int>(token % area);
  const int64_t image = win / g.windows_per_image;
  const int w_in_image = static_cast<int>(win % g.windows_per_image);
  const int h = ((w_in_image / g.windows_w) * g.window + t / g.window + g.shift) % g.height;
  const int w = ((w_in_image % g.windows_w) * g.window + t % g.window + g.shift) % g.width;
  return image * g.tokens_per_image + static_cast<int64_t>(h) * g.width + w;
}

// Window-order token read for image-order token `token` (merge, then roll by +shift).
__device__ int64_t merge_source(int64_t token, const Geometry& g) {
  const int64_t image = token / g.tokens_per_image;
  const int hw = static_cast<int>(token % g.tokens_per_image);
  const int h = (hw / g.width - g.shift + g.height) % g.height;
  const int w = (hw % g.width - g.shift + g.width) % g.width;
  const int64_t win = image * g.windows_per_image + (h / g.window) * g.windows_w + w / g.window;
  return win * g.window * g.window + (h % g.window) * g.window + w % g.window;
}

template <typename T>
struct alignas(16) Chunk {
  static constexpr int kSize = 16 / sizeof(T);
  T v[kSize];
};

template <typename T, bool kMerge>
__global__ void permute_tokens(const T* __restrict__ src, const T* __restrict__ residual,
                               T* __restrict__ dst, Geometry g, int chunks_per_token,
                               int64_t total_chunks) {
  const auto* src_chunks = reinterpret_cast<const Chunk<T>*>(src);
  const auto* residual_chunks = reinterpret_cast<const Chunk<T>*>(residual);
  auto* dst_chunks = reinterpret_cast<Chunk<T>*>(dst);
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < total_chunks;
       i += stride) {
    const int64_t token = i / chunks_per_token;
    const int64_t from = kMerge ? merge_source(token, g) : partition_source(token, g);
    Chunk<T> value = src_chunks[from * chunks_per_token + i % chunks_per_token];
    if (residual != nullptr) {
      const Chunk<T> r = residual_chunks[i];
#pragma unroll
      for (int k = 0; k < Chunk<T>::kSize; ++k) {
        value.v[k] = static_cast<T>(static_cast<float>(value.v[k]) + static_cast<float>(r.v[k]));
      }
    }
    dst_chunks[i] = value;
  }
}

template <bool kMerge>
void launch(const at::Tensor& src, const at::Tensor& residual, at::Tensor& dst, const Geometry& g) {
  const int64_t channels = src.size(-1);
  AT_DISPATCH_FLOATING_TYPES_AND2(
      at::kBFloat16, at::kHalf, src.scalar_type(), "permute_tokens", [&] {
        constexpr int kChunk = Chunk<scalar_t>::kSize;
        TORCH_CHECK(channels % kChunk == 0, "channels ", channels, " not a multiple of ", kChunk);
        const int chunks_per_token = static_cast<int>(channels / kChunk);
        const int64_t total = src.numel() / kChunk;
        constexpr int kThreads = 256;
        const int64_t blocks = std::min<int64_t>((total + kThreads - 1) / kThreads, 1 << 20);
        permute_tokens<scalar_t, kMerge>
            <<<static_cast<unsigned>(blocks), kThreads, 0, at::cuda::getCurrentCUDAStream()>>>(
                src.data_ptr<scalar_t>(),
                residual.defined() ? residual.data_ptr<scalar_t>() : nullptr,
                dst.data_ptr<scalar_t>(), g, chunks_per_token, total);
        C10_CUDA_KERNEL_LAUNCH_CHECK();
      });
}

void check_input(const at::Tensor& t, const char* name) {
  TORCH_CHECK(t.is_cuda() && t.is_contiguous() && t.dim() == 3, name,
              " must be a contiguous 3-D CUDA tensor");
  TORCH_CHECK(reinterpret_cast<uintptr_t>(t.data_ptr()) % 16 == 0, name,
              " must be 16-byte aligned");
}

}  // namespace

at::Tensor window_partition(const at::Tensor& x, int64_t height, int64_t width, int64_t window,
                            int64_t shift) {
  check_input(x, "window_partition input");
  const Geometry g = make_geometry(height, width, window, shift);
  TORCH_CHECK(x.size(1) == g.tokens_per_image, "expected ", g.tokens_per_image, " tokens");
  auto out = at::empty({x.size(0) * g.windows_per_image, window * window, x.size(2)}, x.options());
  launch<false>(x, at::Tensor(), out, g);
  return out;
}

at::Tensor window_merge(const at::Tensor& windows, const at::Tensor& residual, int64_t height,
                        int64_t width, int64_t window, int64_t shift) {
  check_input(windows, "window_merge input");
  const Geometry g = make_geometry(height, width, window, shift);
  const int64_t batch = windows.size(0) / g.windows_per_image;
  if (residual.defined()) {
    check_input(residual, "window_merge residual");
    TORCH_CHECK(residual.scalar_type() == windows.scalar_type(), "residual dtype differs");
    TORCH_CHECK(residual.size(0) == batch && residual.size(1) == g.tokens_per_image,
                "residual shape does not match the windows");
  }
  auto out = at::empty({batch, g.tokens_per_image, windows.size(2)}, windows.options());
  launch<true>(windows, residual, out, g);
  return out;
}

}  // namespace swin
