// Bandwidth-bound GEMV for batch-1 decode: y = W x with W in bf16, int8 or int4.
//
// Layout of the work: a block of kWarps warps; each warp computes kRowsPerWarp rows at once (and
// for SwiGLU the gate and up rows together), so that each lane has 8 independent 16-byte weight
// loads in flight and one read of x from shared memory serves several rows. Lane l reads 16-byte
// chunk c = l + 32 t of each row (8 bf16, 16 int8 or 32 int4 weights; an int4 chunk is exactly one
// quantization group). x is staged once per block in shared memory, RMS-normalized there when the
// GEMV follows a norm, and stored permuted so that the lanes of a warp read consecutive float4s (no
// bank conflicts). Accumulation is fp32.
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "llm/kernels.h"

namespace llm {
namespace {

constexpr int kWarps = 8;
constexpr int kThreads = kWarps * 32;
constexpr int kUnroll = 4;       // 16-byte loads per weight row and lane in flight
constexpr int kRowsPerWarp = 2;  // outputs per warp; SwiGLU reads two matrices per output
constexpr int kRowsPerBlock = kWarps * kRowsPerWarp;
constexpr size_t kMaxSharedBytes = 48 * 1024;
// A residual-add GEMV with few rows (the 4096-row output and down projections: 256 blocks, under
// two per SM) is split over the columns into up to this many blocks in all, each adding its
// partial sums with atomicAdd, so that enough loads are in flight to reach HBM bandwidth.
constexpr int kSplitTargetBlocks = 1024;

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2)
    v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

__device__ float block_sum(float v) {
  __shared__ float partial[kWarps];
  v = warp_sum(v);
  if (threadIdx.x % 32 == 0) partial[threadIdx.x / 32] = v;
  __syncthreads();
  float total = 0;
#pragma unroll
  for (int w = 0; w < kWarps; ++w)
    total += partial[w];
  return total;
}

// Byte i of `word` (0..255) as a float biased by 2^23: __byte_perm builds 0x4B0000bb, whose
// float value is 2^23 + bb. One PRMT plus one FADD instead of an int-to-float conversion.
__device__ __forceinline__ float biased_byte(uint32_t word, int i) {
  return __uint_as_float(__byte_perm(word, 0x4B000000u, 0x7540u | i));
}
constexpr float kMagic = 8388608.0f;  // 2^23

struct Bf16Format {
  static constexpr int kPerChunk = 8;
  struct Chunk {
    uint4 q;
  };
  __device__ static Chunk load(const GemvWeights& w, int row, int c) {
    const uint4* base = static_cast<const uint4*>(w.data) + static_cast<size_t>(row) * (w.cols / 8);
    return {__ldcs(base + c)};
  }
  // x points at the chunk's first float4; the chunk's next float4s are 32 float4s apart.
  __device__ static float dot(const Chunk& ch, const float4* x, float /*x_sum*/, float acc) {
    const uint32_t* w = reinterpret_cast<const uint32_t*>(&ch.q);
#pragma unroll
    for (int j = 0; j < 2; ++j) {
      float4 xv = x[j * 32];
      acc = fmaf(__uint_as_float(w[2 * j] << 16), xv.x, acc);
      acc = fmaf(__uint_as_float(w[2 * j] & 0xffff0000u), xv.y, acc);
      acc = fmaf(__uint_as_float(w[2 * j + 1] << 16), xv.z, acc);
      acc = fmaf(__uint_as_float(w[2 * j + 1] & 0xffff0000u), xv.w, acc);
    }
    return acc;
  }
  __device__ static float row_scale(const GemvWeights&, int) {
    return 1.0f;
  }
};

struct Int8Format {
  static constexpr int kPerChunk = 16;
  struct Chunk {
    uint4 q;
  };
  __device__ static Chunk load(const GemvWeights& w, int row, int c) {
    const uint4* base =
        static_cast<const uint4*>(w.data) + static_cast<size_t>(row) * (w.cols / 16);
    return {__ldcs(base + c)};
  }
  __device__ static float dot(const Chunk& ch, const float4* x, float /*x_sum*/, float acc) {
    const uint32_t* w = reinterpret_cast<const uint32_t*>(&ch.q);
    constexpr float kBias = kMagic + 128.0f;  // int8 q is stored as the byte q + 128 after ^0x80
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      uint32_t u = w[j] ^ 0x80808080u;
      float4 xv = x[j * 32];
      acc = fmaf(biased_byte(u, 0) - kBias, xv.x, acc);
      acc = fmaf(biased_byte(u, 1) - kBias, xv.y, acc);
      acc = fmaf(biased_byte(u, 2) - kBias, xv.z, acc);
      acc = fmaf(biased_byte(u, 3) - kBias, xv.w, acc);
    }
    return acc;
  }
  __device__ static float row_scale(const GemvWeights& w, int row) {
    return static_cast<const float*>(w.scales)[row];
  }
};

struct Int4Format {
  static constexpr int kPerChunk = kInt4Group;
  struct Chunk {
    uint4 q;
    uint32_t scale_zero;  // bf16 scale (low half) and zero (high half) of this group
  };
  __device__ static Chunk load(const GemvWeights& w, int row, int c) {
    size_t index = static_cast<size_t>(row) * (w.cols / 32) + c;
    return {__ldcs(static_cast<const uint4*>(w.data) + index),
            __ldcs(static_cast<const unsigned int*>(w.scales) + index)};
  }
  // sum_i x_i ((q_i - 8) s + z) = s * sum_i x_i (q_i - 8) + z * sum_i x_i, with sum_i x_i of
  // the group precomputed in shared memory.
  __device__ static float dot(const Chunk& ch, const float4* x, float x_sum, float acc) {
    const uint32_t* w = reinterpret_cast<const uint32_t*>(&ch.q);
    constexpr float kBias = kMagic + 8.0f;
    float group = 0;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      // Nibble i of word j is element 8j + i; even nibbles go to `lo`, odd ones to `hi`.
      uint32_t lo = w[j] & 0x0f0f0f0fu;
      uint32_t hi = (w[j] >> 4) & 0x0f0f0f0fu;
      float4 xa = x[(2 * j) * 32];
      float4 xb = x[(2 * j + 1) * 32];
      group = fmaf(biased_byte(lo, 0) - kBias, xa.x, group);
      group = fmaf(biased_byte(hi, 0) - kBias, xa.y, group);
      group = fmaf(biased_byte(lo, 1) - kBias, xa.z, group);
      group = fmaf(biased_byte(hi, 1) - kBias, xa.w, group);
      group = fmaf(biased_byte(lo, 2) - kBias, xb.x, group);
      group = fmaf(biased_byte(hi, 2) - kBias, xb.y, group);
      group = fmaf(biased_byte(lo, 3) - kBias, xb.z, group);
      group = fmaf(biased_byte(hi, 3) - kBias, xb.w, group);
    }
    float scale = __uint_as_float(ch.scale_zero << 16);
    float zero = __uint_as_float(ch.scale_zero & 0xffff0000u);
    return fmaf(scale, group, fmaf(zero, x_sum, acc));
  }
  __device__ static float row_scale(const GemvWeights&, int) {
    return 1.0f;
  }
};

// Index in shared memory of x[i]: float4 q of chunk c = 32 t + l lives at float4 (t * CH/4 + q)
// * 32 + l, so the 32 lanes reading "their" float4 q of chunks 32 t .. 32 t + 31 hit 32
// consecutive float4s.
template <int kPerChunk>
__device__ __forceinline__ int staged_index(int i) {
  int c = i / kPerChunk, within = i % kPerChunk;
  return (((c / 32) * (kPerChunk / 4) + within / 4) * 32 + c % 32) * 4 + within % 4;
}

// Stages x[first, first + count) (a column split; the whole row when there is a norm, whose sum
// of squares needs all of x). For int4, then sums each group of 32 staged values (one chunk) from
// shared memory: lanes read consecutive float4s, as in the dot products.
template <int kPerChunk>
__device__ void stage_x(const GemvArgs& args, int first, int count, float* xs, float* group_sums) {
  const int cols = args.a.cols;
  float norm = 1.0f;
  if (args.norm_weight != nullptr) {
    float squares = 0;
    for (int i = threadIdx.x; i < cols; i += kThreads)
      squares += args.x[i] * args.x[i];
    norm = rsqrtf(block_sum(squares) / cols + args.norm_eps);
  }
  for (int i = threadIdx.x; i < count; i += kThreads) {
    float v = args.x[first + i];
    if (args.norm_weight != nullptr) v *= norm * __bfloat162float(args.norm_weight[first + i]);
    xs[staged_index<kPerChunk>(i)] = v;
  }
  if (group_sums != nullptr) {
    __syncthreads();
    const float4* staged = reinterpret_cast<const float4*>(xs);
    for (int c = threadIdx.x; c < count / kPerChunk; c += kThreads) {
      const float4* xc = staged + (c / 32) * (kPerChunk / 4) * 32 + c % 32;
      float sum = 0;
#pragma unroll
      for (int q = 0; q < kPerChunk / 4; ++q) {
        float4 v = xc[q * 32];
        sum += (v.x + v.y) + (v.z + v.w);
      }
      group_sums[c] = sum;
    }
  }
}

__device__ __forceinline__ float silu(float v) {
  return v / (1.0f + __expf(-v));
}

// Block (bx, by) computes rows [16 bx, 16 bx + 16) over the chunks of column split by; with
// more than one split (kAccumulate only) the partial sums are added to y atomically.
template <class Format, Epilogue kEpilogue>
__global__ void __launch_bounds__(kThreads, 2) gemv_kernel(GemvArgs args, int split_chunks) {
  extern __shared__ float4 shared[];
  constexpr int kPerChunk = Format::kPerChunk;
  constexpr bool kSwiGLU = kEpilogue == Epilogue::kSwiGLU;
  constexpr int kLoads = kSwiGLU ? 2 * kRowsPerWarp : kRowsPerWarp;  // weight rows per warp
  // Loads in flight per lane: kBatch * kLoads = 8 either way (registers stay under 128).
  constexpr int kBatch = kSwiGLU ? kUnroll / 2 : kUnroll;
  const int c_begin = blockIdx.y * split_chunks;
  const int c_end = min(args.a.cols / kPerChunk, c_begin + split_chunks);
  const int chunks = c_end - c_begin;  // this block's; indices below are relative to c_begin
  float* xs = reinterpret_cast<float*>(shared);
  float* group_sums =
      kPerChunk == kInt4Group ? xs + ((chunks + 31) / 32) * 32 * kPerChunk : nullptr;

  const int lane = threadIdx.x % 32;
  const int first_row = (blockIdx.x * kWarps + threadIdx.x / 32) * kRowsPerWarp;
  const bool active = first_row < args.a.rows;
  int rows[kLoads];
#pragma unroll
  for (int r = 0; r < kLoads; ++r)
    rows[r] = min(first_row + r % kRowsPerWarp, args.a.rows - 1);
  auto matrix = [&](int r) -> const GemvWeights& { return r < kRowsPerWarp ? args.a : args.b; };

  typename Format::Chunk ch[kBatch][kLoads];
  auto load_batch = [&](int c0) {
#pragma unroll
    for (int u = 0; u < kBatch; ++u) {
      if (c0 + 32 * u < chunks) {
#pragma unroll
        for (int r = 0; r < kLoads; ++r)
          ch[u][r] = Format::load(matrix(r), rows[r], c_begin + c0 + 32 * u);
      }
    }
  };
  // The weights do not depend on x: the first batch of loads is issued before x is staged, so
  // that HBM traffic starts at once instead of after the staging.
  if (active) load_batch(lane);
  stage_x<kPerChunk>(args, c_begin * kPerChunk, chunks * kPerChunk, xs, group_sums);
  __syncthreads();
  if (!active) return;

  float acc[kLoads] = {};
  for (int c0 = lane; c0 < chunks; c0 += 32 * kBatch) {
    if (c0 != lane) load_batch(c0);
#pragma unroll
    for (int u = 0; u < kBatch; ++u) {
      int c = c0 + 32 * u;
      if (c < chunks) {
        const float4* xc = shared + (c / 32) * (kPerChunk / 4) * 32 + c % 32;
        float x_sum = group_sums != nullptr ? group_sums[c] : 0.0f;
#pragma unroll
        for (int r = 0; r < kLoads; ++r)
          acc[r] = Format::dot(ch[u][r], xc, x_sum, acc[r]);
      }
    }
  }
#pragma unroll
  for (int r = 0; r < kLoads; ++r)
    acc[r] = warp_sum(acc[r]);
  if (lane != 0) return;
#pragma unroll
  for (int r = 0; r < kRowsPerWarp; ++r) {
    int row = first_row + r;
    if (row >= args.a.rows) break;
    float value = acc[r] * Format::row_scale(args.a, row);
    if constexpr (kEpilogue == Epilogue::kStore) {
      args.y[row] = value;
    } else if constexpr (kEpilogue == Epilogue::kAccumulate) {
      if (gridDim.y > 1) {
        atomicAdd(args.y + row, value);
      } else {
        args.y[row] += value;
      }
    } else {
      args.y[row] = silu(value) * acc[r + kRowsPerWarp] * Format::row_scale(args.b, row);
    }
  }
}

template <class Format, Epilogue kEpilogue>
void launch(const GemvArgs& args, cudaStream_t stream) {
  constexpr int kPerChunk = Format::kPerChunk;
  // Loads in flight per lane and weight row, as in the kernel.
  constexpr int kBatch = kEpilogue == Epilogue::kSwiGLU ? kUnroll / 2 : kUnroll;
  const int chunks = args.a.cols / kPerChunk;
  const int row_blocks = (args.a.rows + kRowsPerBlock - 1) / kRowsPerBlock;
  int splits = 1;
  if (kEpilogue == Epilogue::kAccumulate && args.norm_weight == nullptr) {
    // Every lane keeps a full batch of loads in each split; splits start on 32-chunk bounds.
    splits = std::max(1, std::min(kSplitTargetBlocks / row_blocks, chunks / (32 * kBatch)));
  }
  const int split_chunks = ((chunks + splits - 1) / splits + 31) / 32 * 32;
  splits = (chunks + split_chunks - 1) / split_chunks;
  size_t floats = static_cast<size_t>(split_chunks) * kPerChunk;
  if (kPerChunk == kInt4Group) floats += split_chunks;
  size_t bytes = floats * sizeof(float);
  if (args.a.cols % kPerChunk != 0 || bytes > kMaxSharedBytes) {
    std::fprintf(stderr, "gemv: unsupported cols %d\n", args.a.cols);
    std::abort();
  }
  gemv_kernel<Format, kEpilogue>
      <<<dim3(row_blocks, splits), kThreads, bytes, stream>>>(args, split_chunks);
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) {
    std::fprintf(stderr, "gemv launch failed: %s\n", cudaGetErrorString(err));
    std::abort();
  }
}

template <class Format>
void launch_format(const GemvArgs& args, cudaStream_t stream) {
  switch (args.epilogue) {
    case Epilogue::kStore:
      return launch<Format, Epilogue::kStore>(args, stream);
    case Epilogue::kAccumulate:
      return launch<Format, Epilogue::kAccumulate>(args, stream);
    case Epilogue::kSwiGLU:
      return launch<Format, Epilogue::kSwiGLU>(args, stream);
  }
}

}  // namespace

void gemv(const GemvArgs& args, cudaStream_t stream) {
  switch (args.a.format) {
    case WeightFormat::kBf16:
      return launch_format<Bf16Format>(args, stream);
    case WeightFormat::kInt8:
      return launch_format<Int8Format>(args, stream);
    case WeightFormat::kInt4:
      return launch_format<Int4Format>(args, stream);
  }
}

}  // namespace llm
