// Bandwidth-bound GEMV for batch-1 decode: y = W x with W in bf16, int8 or int4.
//
// Layout of the work: a block of kWarps warps; the unit of work is kRowsPerWarp adjacent rows
// (and for SwiGLU the gate and up rows together), taken by one warp, so that one read of x from
// shared memory serves several rows. Lane l reads 16-byte chunk c = l + 32 t of each row (8 bf16,
// 16 int8 or 32 int4 weights; an int4 chunk is exactly one quantization group). The grid is
// persistent (as many blocks as fit on the GPU at once): x is staged once per block in shared
// memory (RMS-normalized there when the GEMV follows a norm, permuted so that the lanes of a warp
// read consecutive float4s), and each warp then streams through its units with two register
// buffers of weight loads, issuing the next batch before it computes the current one, so that
// loads stay in flight without gaps and the grid has no partly filled last wave. Accumulation is
// fp32. The weight loads of the first batch are issued before the PDL wait (launch.h), i.e.
// while the previous kernel may still be running.
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "llm/kernels.h"
#include "llm/launch.h"

namespace llm {
namespace {

constexpr int kWarps = 8;
constexpr int kThreads = kWarps * 32;
constexpr int kRowsPerWarp = 2;  // outputs per unit; even, so that a RoPE pair is in one warp
constexpr size_t kMaxSharedBytes = 48 * 1024;

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

// Each format: weights per 16-byte chunk, the chunk as loaded, its dot product with x, and its
// kernel settings (the best measured with llm_gemv_bench --sweep on the H100): chunk loads per
// lane and register buffer (kInFlight, 4 or 8), blocks per SM the registers are sized for
// (kMinBlocks, 2 or 3) and the column splits of the residual-add GEMVs (kSplits).
struct Bf16Format {
  static constexpr int kPerChunk = 8;
  static constexpr int kInFlight = 8;
  static constexpr int kMinBlocks = 2;
  static constexpr int kSplits = 4;
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
  static constexpr int kInFlight = 8;
  static constexpr int kMinBlocks = 2;
  static constexpr int kSplits = 2;
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
  static constexpr int kInFlight = 4;  // 8 (plus their scales) spill registers in the SwiGLU GEMV
  static constexpr int kMinBlocks = 2;
  static constexpr int kSplits = 2;
  struct Chunk {
    uint4 q;
    uint32_t scale_zero;  // bf16 scale (low half) and zero (high half) of this group
  };
  __device__ static Chunk load(const GemvWeights& w, int row, int c) {
    size_t index = static_cast<size_t>(row) * (w.cols / 32) + c;
    return {__ldcs(static_cast<const uint4*>(w.data) + index),
            __ldcs(static_cast<const unsigned int*>(w.scales) + index)};
  }
  // Byte i of `shifted` holds a nibble q at bits 3..6; PRMT places that byte under a fixed
  // exponent byte 0x3F, giving the float 0.5 * (1 + q / 16) = 0.5 + q / 32 in one instruction
  // (no conversion, no bias subtraction). The group's dot product with these values is then
  // corrected with the group's sum of x: sum x (q - 8) = 32 sum x (0.5 + q / 32) - 24 sum x.
  __device__ static float half_plus_nibble(uint32_t shifted, int i) {
    return __uint_as_float(__byte_perm(shifted, 0x3F000000u, 0x7044u | (i << 8)));
  }
  // sum_i x_i ((q_i - 8) s + z) = 32 s * sum_i x_i (0.5 + q_i / 32) + (z - 24 s) * sum_i x_i,
  // with sum_i x_i of the group precomputed in shared memory.
  __device__ static float dot(const Chunk& ch, const float4* x, float x_sum, float acc) {
    const uint32_t* w = reinterpret_cast<const uint32_t*>(&ch.q);
    float group = 0;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      // Nibble i of word j is element 8j + i: byte k of `lo` holds element 8j + 2k (the low
      // nibble), byte k of `hi` element 8j + 2k + 1, each at bits 3..6 of its byte.
      uint32_t lo = (w[j] << 3) & 0x78787878u;
      uint32_t hi = (w[j] >> 1) & 0x78787878u;
      float4 xa = x[(2 * j) * 32];
      float4 xb = x[(2 * j + 1) * 32];
      group = fmaf(half_plus_nibble(lo, 0), xa.x, group);
      group = fmaf(half_plus_nibble(hi, 0), xa.y, group);
      group = fmaf(half_plus_nibble(lo, 1), xa.z, group);
      group = fmaf(half_plus_nibble(hi, 1), xa.w, group);
      group = fmaf(half_plus_nibble(lo, 2), xb.x, group);
      group = fmaf(half_plus_nibble(hi, 2), xb.y, group);
      group = fmaf(half_plus_nibble(lo, 3), xb.z, group);
      group = fmaf(half_plus_nibble(hi, 3), xb.w, group);
    }
    float scale = __uint_as_float(ch.scale_zero << 16);
    float zero = __uint_as_float(ch.scale_zero & 0xffff0000u);
    return fmaf(32.0f * scale, group, fmaf(fmaf(-24.0f, scale, zero), x_sum, acc));
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
// of squares needs all of x) with float4 loads. For int4, then sums each group of 32 staged
// values (one chunk) from shared memory: lanes read consecutive float4s, as in the dot products.
template <int kPerChunk>
__device__ void stage_x(const GemvArgs& args, int first, int count, float* xs, float* group_sums) {
  const int cols = args.a.cols;
  const float4* x4 = reinterpret_cast<const float4*>(args.x);
  float norm = 1.0f;
  if (args.norm_weight != nullptr) {
    float squares = 0;
    for (int i = threadIdx.x; i < cols / 4; i += kThreads) {
      float4 v = x4[i];
      squares += (v.x * v.x + v.y * v.y) + (v.z * v.z + v.w * v.w);
    }
    norm = rsqrtf(block_sum(squares) / cols + args.norm_eps);
  }
  float4* staged = reinterpret_cast<float4*>(xs);
  for (int i = threadIdx.x; i < count / 4; i += kThreads) {
    float4 v = x4[first / 4 + i];
    if (args.norm_weight != nullptr) {
      uint2 g = *reinterpret_cast<const uint2*>(args.norm_weight + first + 4 * i);
      v.x *= norm * __uint_as_float(g.x << 16);
      v.y *= norm * __uint_as_float(g.x & 0xffff0000u);
      v.z *= norm * __uint_as_float(g.y << 16);
      v.w *= norm * __uint_as_float(g.y & 0xffff0000u);
    }
    staged[staged_index<kPerChunk>(4 * i) / 4] = v;
  }
  if (group_sums != nullptr) {
    __syncthreads();
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

// The kRope epilogue for the adjacent rows `row`, `row` + 1 (v0, v1): rotate q and k, write q to
// y and k, v to the caches at the current position.
__device__ void rope_epilogue(const GemvArgs& args, int pos, int row, float v0, float v1) {
  const int dim = args.a.rows / 3;
  const int part = row / dim, within = row % dim;  // part 0: q, 1: k, 2: v
  if (part < 2) {
    const float2 cs = reinterpret_cast<const float2*>(
        args.rope.table)[pos * (kHeadDim / 2) + within % kHeadDim / 2];
    float r0 = v0 * cs.x - v1 * cs.y, r1 = v1 * cs.x + v0 * cs.y;
    v0 = r0;
    v1 = r1;
  }
  if (part == 0) {
    *reinterpret_cast<float2*>(args.y + row) = make_float2(v0, v1);
    return;
  }
  const int head = within / kHeadDim;
  size_t slot =
      (static_cast<size_t>(head) * args.rope.capacity + pos) * kHeadDim + within % kHeadDim;
  __nv_bfloat16* cache = part == 1 ? args.rope.k_cache : args.rope.v_cache;
  *reinterpret_cast<__nv_bfloat162*>(cache + slot) = __floats2bfloat162_rn(v0, v1);
}

// Block (bx, by) stages the columns of split by; warp w of the grid's W warps then computes the
// units w, w + W, w + 2W, ... (kRowsPerWarp rows each) over those columns. With more than one
// split (kAccumulate only) the partial sums are added to y atomically.
template <class Format, Epilogue kEpilogue, int kInFlight, int kMinBlocks>
__global__ void __launch_bounds__(kThreads, kMinBlocks)
    gemv_kernel(GemvArgs args, int split_chunks) {
  extern __shared__ float4 shared[];
  pdl_trigger();
  constexpr int kPerChunk = Format::kPerChunk;
  constexpr bool kSwiGLU = kEpilogue == Epilogue::kSwiGLU;
  constexpr int kLoads = kSwiGLU ? 2 * kRowsPerWarp : kRowsPerWarp;  // weight rows per unit
  constexpr int kBatch = kInFlight / kLoads;                         // chunks per row and buffer
  static_assert(kBatch >= 1, "at least one chunk per row in flight");
  using Chunk = typename Format::Chunk;

  const int c_begin = blockIdx.y * split_chunks;
  const int chunks = min(args.a.cols / kPerChunk - c_begin, split_chunks);  // this split's
  const int batches = ((chunks + 31) / 32 + kBatch - 1) / kBatch;           // per unit
  const int units = (args.a.rows + kRowsPerWarp - 1) / kRowsPerWarp;
  const int grid_warps = gridDim.x * kWarps;
  const int warp = blockIdx.x * kWarps + threadIdx.x / 32;
  const int items = (warp < units ? (units - 1 - warp) / grid_warps + 1 : 0) * batches;
  const int lane = threadIdx.x % 32;
  float* xs = reinterpret_cast<float*>(shared);
  float* group_sums =
      kPerChunk == kInt4Group ? xs + ((chunks + 31) / 32) * 32 * kPerChunk : nullptr;
  auto matrix = [&](int r) -> const GemvWeights& { return r < kRowsPerWarp ? args.a : args.b; };

  // Item i: unit warp + (i / batches) * grid_warps, chunks lane + 32 (b kBatch + t), b = i %
  // batches.
  auto load = [&](Chunk(&buf)[kBatch][kLoads], int item) {
    const int row0 = (warp + item / batches * grid_warps) * kRowsPerWarp;
    const int c0 = lane + 32 * kBatch * (item % batches);
#pragma unroll
    for (int t = 0; t < kBatch; ++t) {
      if (c0 + 32 * t < chunks) {
#pragma unroll
        for (int r = 0; r < kLoads; ++r) {
          int row = min(row0 + r % kRowsPerWarp, args.a.rows - 1);
          buf[t][r] = Format::load(matrix(r), row, c_begin + c0 + 32 * t);
        }
      }
    }
  };

  float acc[kLoads] = {};
  int pos = 0;
  auto finish = [&](int item) {
    const int row0 = (warp + item / batches * grid_warps) * kRowsPerWarp;
#pragma unroll
    for (int r = 0; r < kLoads; ++r)
      acc[r] = warp_sum(acc[r]);
    if (lane == 0 && row0 < args.a.rows) {
      if constexpr (kEpilogue == Epilogue::kRope) {
        rope_epilogue(args, pos, row0, acc[0] * Format::row_scale(args.a, row0),
                      acc[1] * Format::row_scale(args.a, row0 + 1));
      } else {
#pragma unroll
        for (int r = 0; r < kRowsPerWarp; ++r) {
          int row = row0 + r;
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
    }
#pragma unroll
    for (int r = 0; r < kLoads; ++r)
      acc[r] = 0.0f;
  };
  auto compute = [&](const Chunk(&buf)[kBatch][kLoads], int item) {
    const int c0 = lane + 32 * kBatch * (item % batches);
#pragma unroll
    for (int t = 0; t < kBatch; ++t) {
      int c = c0 + 32 * t;
      if (c < chunks) {
        const float4* xc = shared + (c / 32) * (kPerChunk / 4) * 32 + c % 32;
        float x_sum = group_sums != nullptr ? group_sums[c] : 0.0f;
#pragma unroll
        for (int r = 0; r < kLoads; ++r)
          acc[r] = Format::dot(buf[t][r], xc, x_sum, acc[r]);
      }
    }
    if (item % batches == batches - 1) finish(item);
  };

  Chunk even[kBatch][kLoads], odd[kBatch][kLoads];
  // The weights do not depend on x: both buffers are loaded before the wait for the previous
  // kernel and before x is staged. Then each buffer is refilled as soon as it is consumed, so
  // one batch is in flight while the other is computed.
  if (items > 0) load(even, 0);
  if (items > 1) load(odd, 1);
  pdl_wait();
  if constexpr (kEpilogue == Epilogue::kRope) pos = static_cast<int>(*args.rope.pos);
  stage_x<kPerChunk>(args, c_begin * kPerChunk, chunks * kPerChunk, xs, group_sums);
  __syncthreads();
  for (int i = 0; i < items; i += 2) {
    compute(even, i);
    if (i + 2 < items) load(even, i + 2);
    if (i + 1 < items) {
      compute(odd, i + 1);
      if (i + 3 < items) load(odd, i + 3);
    }
  }
}

int sm_count() {
  static const int count = [] {
    int device = 0, value = 0;
    cudaGetDevice(&device);
    cudaDeviceGetAttribute(&value, cudaDevAttrMultiProcessorCount, device);
    return value;
  }();
  return count;
}

template <class Format, Epilogue kEpilogue, int kInFlight, int kMinBlocks>
void launch(const GemvArgs& args, cudaStream_t stream) {
  constexpr int kPerChunk = Format::kPerChunk;
  constexpr int kLoads = kEpilogue == Epilogue::kSwiGLU ? 2 * kRowsPerWarp : kRowsPerWarp;
  constexpr int kBatch = kInFlight / kLoads;
  auto kernel = gemv_kernel<Format, kEpilogue, kInFlight, kMinBlocks>;
  const int chunks = args.a.cols / kPerChunk;
  const int units = (args.a.rows + kRowsPerWarp - 1) / kRowsPerWarp;
  // Registers limit the occupancy to kMinBlocks (2 or 3) before shared memory does (48 KB at
  // most per block), so any size below that gives the same answer.
  int per_sm = 0;
  cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, kThreads, 16 * 1024);
  const int resident_blocks = std::max(1, per_sm) * sm_count();
  int splits = 1;
  if (args.splits > 0) {
    splits = args.splits;
  } else if (kEpilogue == Epilogue::kAccumulate && args.norm_weight == nullptr) {
    // The residual-add GEMVs have few rows (4096: about one unit per resident warp), so a warp
    // streams a whole row pair alone and the grid's start and end weigh heavily; splitting the
    // columns gives each warp several shorter units (each lane keeps at least one full buffer of
    // loads per split; splits start on 32-chunk bounds). Format::kSplits is the best measured
    // with llm_gemv_bench --sweep on the H100.
    splits = std::max(1, std::min(Format::kSplits, chunks / (32 * kBatch)));
  }
  const int split_chunks = ((chunks + splits - 1) / splits + 31) / 32 * 32;
  splits = (chunks + split_chunks - 1) / split_chunks;
  if (splits > 1 && kEpilogue != Epilogue::kAccumulate) {
    std::fprintf(stderr, "gemv: column splits need the accumulate epilogue\n");
    std::abort();
  }
  const int blocks = std::max(1, std::min((units + kWarps - 1) / kWarps, resident_blocks / splits));
  size_t floats = static_cast<size_t>(split_chunks) * kPerChunk;
  if (kPerChunk == kInt4Group) floats += split_chunks;
  size_t bytes = floats * sizeof(float);
  if (args.a.cols % kPerChunk != 0 || bytes > kMaxSharedBytes ||
      (kEpilogue == Epilogue::kRope && args.a.rows % (3 * kHeadDim) != 0)) {
    std::fprintf(stderr, "gemv: unsupported shape %d x %d\n", args.a.rows, args.a.cols);
    std::abort();
  }
  launch_kernel("gemv", kernel, dim3(blocks, splits), dim3(kThreads), bytes, stream,
                /*programmatic=*/true, args, split_chunks);
}

template <class Format, Epilogue kEpilogue>
void launch_tuned(const GemvArgs& args, cudaStream_t stream) {
  const int in_flight = args.chunks_in_flight > 0 ? args.chunks_in_flight : Format::kInFlight;
  const int min_blocks = args.min_blocks > 0 ? args.min_blocks : Format::kMinBlocks;
  if (min_blocks == 3) {
    if (in_flight == 4) return launch<Format, kEpilogue, 4, 3>(args, stream);
    return launch<Format, kEpilogue, 8, 3>(args, stream);
  }
  if (in_flight == 4) return launch<Format, kEpilogue, 4, 2>(args, stream);
  return launch<Format, kEpilogue, 8, 2>(args, stream);
}

template <class Format>
void launch_format(const GemvArgs& args, cudaStream_t stream) {
  switch (args.epilogue) {
    case Epilogue::kStore:
      return launch_tuned<Format, Epilogue::kStore>(args, stream);
    case Epilogue::kAccumulate:
      return launch_tuned<Format, Epilogue::kAccumulate>(args, stream);
    case Epilogue::kSwiGLU:
      return launch_tuned<Format, Epilogue::kSwiGLU>(args, stream);
    case Epilogue::kRope:
      return launch_tuned<Format, Epilogue::kRope>(args, stream);
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
