#include "sam/sam_kernels.h"

#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_bf16.h>
#include <cuda_fp8.h>

namespace sam {
namespace {

constexpr int kVec = 8;  // values per thread: one 16-byte bf16 load
constexpr float kFp8Max = 448.0f;
constexpr float kLayerNormEps = 1e-6f;

struct Layout {
  int grid;
  int window;  // 0: token order
};

__device__ int windows_per_side(Layout l) {
  return (l.grid + l.window - 1) / l.window;
}

__device__ int64_t row_of_token(Layout l, int b, int h, int w) {
  if (l.window == 0) return (static_cast<int64_t>(b) * l.grid + h) * l.grid + w;
  int side = windows_per_side(l);
  int64_t win = (static_cast<int64_t>(b) * side + h / l.window) * side + w / l.window;
  return (win * l.window + h % l.window) * l.window + w % l.window;
}

// Decodes a row of the layout into its token; false for a padding row of a windowed layout.
__device__ bool token_of_row(Layout l, int64_t row, int& b, int& h, int& w) {
  if (l.window == 0) {
    w = static_cast<int>(row % l.grid);
    row /= l.grid;
    h = static_cast<int>(row % l.grid);
    b = static_cast<int>(row / l.grid);
    return true;
  }
  int side = windows_per_side(l);
  int ix = static_cast<int>(row % l.window);
  row /= l.window;
  int iy = static_cast<int>(row % l.window);
  row /= l.window;
  int wx = static_cast<int>(row % side);
  row /= side;
  int wy = static_cast<int>(row % side);
  b = static_cast<int>(row / side);
  h = wy * l.window + iy;
  w = wx * l.window + ix;
  return h < l.grid && w < l.grid;
}

__device__ void load8(const __nv_bfloat16* p, float v[kVec]) {
  uint4 raw = *reinterpret_cast<const uint4*>(p);
  const auto* pairs = reinterpret_cast<const __nv_bfloat162*>(&raw);
  for (int i = 0; i < kVec / 2; ++i) {
    float2 f = __bfloat1622float2(pairs[i]);
    v[2 * i] = f.x;
    v[2 * i + 1] = f.y;
  }
}

__device__ void store8(__nv_bfloat16* p, const float v[kVec]) {
  uint4 raw;
  auto* pairs = reinterpret_cast<__nv_bfloat162*>(&raw);
  for (int i = 0; i < kVec / 2; ++i)
    pairs[i] = __floats2bfloat162_rn(v[2 * i], v[2 * i + 1]);
  *reinterpret_cast<uint4*>(p) = raw;
}

__device__ void store8_fp8(__nv_fp8_e4m3* p, const float v[kVec], float inv_scale) {
  uint2 raw;
  auto* quads = reinterpret_cast<__nv_fp8x4_e4m3*>(&raw);
  for (int i = 0; i < 2; ++i) {
    const float* q = v + 4 * i;
    quads[i] = __nv_fp8x4_e4m3(
        make_float4(q[0] * inv_scale, q[1] * inv_scale, q[2] * inv_scale, q[3] * inv_scale));
  }
  *reinterpret_cast<uint2*>(p) = raw;
}

struct Sum {
  __device__ float operator()(float a, float b) const { return a + b; }
};
struct Max {
  __device__ float operator()(float a, float b) const { return fmaxf(a, b); }
};

// blockDim.x is a multiple of 32; every thread gets the result.
template <typename Op>
__device__ float block_reduce(float v, Op op) {
  __shared__ float partial[32];
  for (int offset = 16; offset > 0; offset /= 2)
    v = op(v, __shfl_xor_sync(0xffffffffu, v, offset));
  __syncthreads();  // a previous reduction may still be reading `partial`
  if (threadIdx.x % 32 == 0) partial[threadIdx.x / 32] = v;
  __syncthreads();
  float total = partial[0];
  for (int i = 1; i < static_cast<int>(blockDim.x / 32); ++i)
    total = op(total, partial[i]);
  return total;
}

// Writes one row of 8-value chunks as bf16, or as e4m3 with its scale (the whole block calls it).
__device__ void store_row(void* out, float* out_scale, int64_t row, int channels, float v[kVec]) {
  int c = threadIdx.x * kVec;
  if (out_scale == nullptr) {
    store8(static_cast<__nv_bfloat16*>(out) + row * channels + c, v);
    return;
  }
  float amax = 0;
  for (int i = 0; i < kVec; ++i)
    amax = fmaxf(amax, fabsf(v[i]));
  float scale = fmaxf(block_reduce(amax, Max()), 1e-12f) / kFp8Max;
  store8_fp8(static_cast<__nv_fp8_e4m3*>(out) + row * channels + c, v, 1.0f / scale);
  if (threadIdx.x == 0) out_scale[row] = scale;
}

// One block per output row, channels / 8 threads.
__global__ void add_layernorm_kernel(__nv_bfloat16* x, const __nv_bfloat16* delta,
                                     Layout delta_layout, const __nv_bfloat16* gamma,
                                     const __nv_bfloat16* beta, void* out, float* out_scale,
                                     Layout out_layout, int channels) {
  const int64_t row = blockIdx.x;
  const int c = threadIdx.x * kVec;
  float v[kVec];
  int b, h, w;
  if (!token_of_row(out_layout, row, b, h, w)) {  // padding row: the whole block returns here
    for (float& e : v)
      e = 0;
    if (out_scale == nullptr) {
      store8(static_cast<__nv_bfloat16*>(out) + row * channels + c, v);
    } else {
      store8_fp8(static_cast<__nv_fp8_e4m3*>(out) + row * channels + c, v, 1.0f);
      if (threadIdx.x == 0) out_scale[row] = 1.0f;
    }
    return;
  }
  __nv_bfloat16* x_row = x + row_of_token(Layout{out_layout.grid, 0}, b, h, w) * channels + c;
  load8(x_row, v);
  if (delta != nullptr) {
    float d[kVec];
    load8(delta + row_of_token(delta_layout, b, h, w) * channels + c, d);
    for (int i = 0; i < kVec; ++i)
      v[i] = __bfloat162float(__float2bfloat16(v[i] + d[i]));  // the residual stream is bf16
    store8(x_row, v);
  }
  float sum = 0;
  for (float e : v)
    sum += e;
  float mean = block_reduce(sum, Sum()) / channels;
  float squares = 0;
  for (float e : v)
    squares += (e - mean) * (e - mean);
  float rstd = rsqrtf(block_reduce(squares, Sum()) / channels + kLayerNormEps);
  float g[kVec], bias[kVec];
  load8(gamma + c, g);
  load8(beta + c, bias);
  for (int i = 0; i < kVec; ++i)
    v[i] = (v[i] - mean) * rstd * g[i] + bias[i];
  store_row(out, out_scale, row, channels, v);
}

__global__ void quantize_rows_kernel(const __nv_bfloat16* in, const __nv_bfloat16* bias, bool gelu,
                                     __nv_fp8_e4m3* out, float* scale, int cols) {
  const int64_t row = blockIdx.x;
  const int c = threadIdx.x * kVec;
  float v[kVec];
  load8(in + row * cols + c, v);
  if (bias != nullptr) {
    float b[kVec];
    load8(bias + c, b);
    for (int i = 0; i < kVec; ++i)
      v[i] += b[i];
  }
  if (gelu) {
    for (float& e : v)
      e = 0.5f * e * (1.0f + erff(e * 0.70710678118654752f));
  }
  store_row(out, scale, row, cols, v);
}

int threads_for(int64_t channels) {
  TORCH_CHECK(channels % (kVec * 32) == 0 && channels / kVec <= 1024,
              "sam kernels: channels must be a multiple of 256 and at most 8192, got ", channels);
  return static_cast<int>(channels / kVec);
}

const __nv_bfloat16* bf16_ptr(const at::Tensor& t) {
  if (!t.defined()) return nullptr;
  TORCH_CHECK(t.scalar_type() == at::kBFloat16 && t.is_contiguous(),
              "sam kernels: expected a contiguous bf16 tensor");
  return reinterpret_cast<const __nv_bfloat16*>(t.const_data_ptr());
}

Rows allocate_rows(const at::Tensor& like, int64_t rows, int64_t cols, bool fp8) {
  Rows out;
  out.data =
      at::empty({rows, cols}, like.options().dtype(fp8 ? at::kFloat8_e4m3fn : at::kBFloat16));
  if (fp8) out.scale = at::empty({rows, 1}, like.options().dtype(at::kFloat));
  return out;
}

float* scale_ptr(const Rows& rows) {
  return rows.scale.defined() ? rows.scale.data_ptr<float>() : nullptr;
}

}  // namespace

int64_t layout_rows(const TokenGrid& grid, int64_t window) {
  if (window == 0) return grid.batch * grid.grid * grid.grid;
  int64_t side = (grid.grid + window - 1) / window * window;
  return grid.batch * side * side;
}

Rows add_layernorm(at::Tensor& x, const at::Tensor& delta, int64_t delta_window,
                   const at::Tensor& gamma, const at::Tensor& beta, int64_t out_window,
                   const TokenGrid& grid, bool fp8) {
  int64_t channels = x.size(1);
  TORCH_CHECK(x.dim() == 2 && x.size(0) == layout_rows(grid, 0), "add_layernorm: x is not tokens");
  TORCH_CHECK(!delta.defined() || delta.size(0) == layout_rows(grid, delta_window),
              "add_layernorm: delta rows do not match its layout");
  int64_t rows = layout_rows(grid, out_window);
  Rows out = allocate_rows(x, rows, channels, fp8);
  auto g = static_cast<int>(grid.grid);
  add_layernorm_kernel<<<rows, threads_for(channels), 0, c10::cuda::getCurrentCUDAStream()>>>(
      const_cast<__nv_bfloat16*>(bf16_ptr(x)), bf16_ptr(delta),
      Layout{g, static_cast<int>(delta_window)}, bf16_ptr(gamma), bf16_ptr(beta),
      out.data.data_ptr(), scale_ptr(out), Layout{g, static_cast<int>(out_window)},
      static_cast<int>(channels));
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return out;
}

Rows quantize_rows(const at::Tensor& in, const at::Tensor& bias, bool gelu) {
  TORCH_CHECK(in.dim() == 2, "quantize_rows: expected a matrix");
  Rows out = allocate_rows(in, in.size(0), in.size(1), /*fp8=*/true);
  quantize_rows_kernel<<<in.size(0), threads_for(in.size(1)), 0,
                         c10::cuda::getCurrentCUDAStream()>>>(
      bf16_ptr(in), bf16_ptr(bias), gelu, reinterpret_cast<__nv_fp8_e4m3*>(out.data.data_ptr()),
      scale_ptr(out), static_cast<int>(in.size(1)));
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return out;
}

}  // namespace sam
