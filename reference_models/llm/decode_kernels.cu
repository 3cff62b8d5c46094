// The small kernels of the fused decode step: embedding lookup, RoPE with the KV-cache write,
// split decode attention (flash-decoding) and greedy sampling. Each reads the position from
// device memory, so that one captured CUDA graph serves every token.
#include <cfloat>
#include <cstdio>
#include <cstdlib>

#include "llm/kernels.h"

namespace llm {
namespace {

constexpr int kKeysPerWarp = 16;
constexpr int kAttnWarps = 4;
constexpr int kKeysPerSplit = kKeysPerWarp * kAttnWarps;
// Per (head, split): max score, sum of exp, 2 floats of padding (16-byte aligned values), then
// the exp-weighted sum of values.
constexpr int kPartialFloats = kHeadDim + 4;

void check_launch(const char* what) {
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) {
    std::fprintf(stderr, "%s launch failed: %s\n", what, cudaGetErrorString(err));
    std::abort();
  }
}

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2)
    v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

__global__ void embed_kernel(const __nv_bfloat16* table, const int64_t* token, float* x, int dim) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < dim) x[i] = __bfloat162float(table[*token * dim + i]);
}

// One thread per (head, pair of dimensions); pairs are adjacent elements, as in gpt-fast.
__global__ void rope_kernel(float* qkv, const float* rope_table, const int64_t* pos_ptr,
                            __nv_bfloat16* k_cache, __nv_bfloat16* v_cache, int heads,
                            int capacity) {
  const int pairs = heads * kHeadDim / 2;
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= pairs) return;
  const int64_t pos = *pos_ptr;
  const int head = i / (kHeadDim / 2), pair = i % (kHeadDim / 2);
  float cos_v = rope_table[(pos * (kHeadDim / 2) + pair) * 2];
  float sin_v = rope_table[(pos * (kHeadDim / 2) + pair) * 2 + 1];
  const int dim = heads * kHeadDim;
  float* q = qkv + 2 * i;
  float q0 = q[0], q1 = q[1];
  q[0] = q0 * cos_v - q1 * sin_v;
  q[1] = q1 * cos_v + q0 * sin_v;
  const float* k = qkv + dim + 2 * i;
  const float* v = qkv + 2 * dim + 2 * i;
  size_t slot = (static_cast<size_t>(head) * capacity + pos) * kHeadDim + 2 * pair;
  k_cache[slot] = __float2bfloat16(k[0] * cos_v - k[1] * sin_v);
  k_cache[slot + 1] = __float2bfloat16(k[1] * cos_v + k[0] * sin_v);
  v_cache[slot] = __float2bfloat16(v[0]);
  v_cache[slot + 1] = __float2bfloat16(v[1]);
}

__device__ __forceinline__ float4 load_bf16x4(const __nv_bfloat16* p) {
  uint2 raw = *reinterpret_cast<const uint2*>(p);
  return make_float4(__uint_as_float(raw.x << 16), __uint_as_float(raw.x & 0xffff0000u),
                     __uint_as_float(raw.y << 16), __uint_as_float(raw.y & 0xffff0000u));
}

// Block (head, split) handles keys [split * 64, split * 64 + 64) ∩ [0, pos]; each warp takes 16
// keys, each lane 4 of the 128 dimensions. Writes (max score, sum of exp, sum of exp * v).
__global__ void __launch_bounds__(kAttnWarps * 32)
    attention_partial_kernel(const float* q, const __nv_bfloat16* k_cache,
                             const __nv_bfloat16* v_cache, const int64_t* pos_ptr, float* partial,
                             int capacity, float scale) {
  const int head = blockIdx.x, split = blockIdx.y, splits = gridDim.y;
  const int pos = static_cast<int>(*pos_ptr);
  const int first = split * kKeysPerSplit;
  if (first > pos) return;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const float4 qv = reinterpret_cast<const float4*>(q + head * kHeadDim)[lane];
  const size_t head_base = static_cast<size_t>(head) * capacity * kHeadDim + lane * 4;
  const int key0 = first + warp * kKeysPerWarp;

  float scores[kKeysPerWarp];
  float max_score = -FLT_MAX;
#pragma unroll
  for (int j = 0; j < kKeysPerWarp; ++j) {
    int key = min(key0 + j, capacity - 1);
    float4 kv = load_bf16x4(k_cache + head_base + static_cast<size_t>(key) * kHeadDim);
    float s = warp_sum(qv.x * kv.x + qv.y * kv.y + qv.z * kv.z + qv.w * kv.w) * scale;
    scores[j] = key0 + j <= pos ? s : -FLT_MAX;
    max_score = fmaxf(max_score, scores[j]);
  }
  // All 16 value loads are independent (invalid keys read a clamped row and get weight 0), so
  // that they are in flight together instead of one L2/HBM latency per key.
  float sum = 0;
  float4 acc = make_float4(0, 0, 0, 0);
#pragma unroll
  for (int j = 0; j < kKeysPerWarp; ++j) {
    int key = min(key0 + j, capacity - 1);
    float4 vv = load_bf16x4(v_cache + head_base + static_cast<size_t>(key) * kHeadDim);
    float p = key0 + j <= pos ? __expf(scores[j] - max_score) : 0.0f;
    sum += p;
    acc.x += p * vv.x;
    acc.y += p * vv.y;
    acc.z += p * vv.z;
    acc.w += p * vv.w;
  }

  __shared__ float warp_max[kAttnWarps], warp_sum_exp[kAttnWarps];
  __shared__ float4 warp_acc[kAttnWarps][32];
  if (lane == 0) {
    warp_max[warp] = max_score;
    warp_sum_exp[warp] = sum;
  }
  warp_acc[warp][lane] = acc;
  __syncthreads();
  if (warp != 0) return;
  float block_max = -FLT_MAX;
  for (int w = 0; w < kAttnWarps; ++w)
    block_max = fmaxf(block_max, warp_max[w]);
  float total = 0;
  float4 out = make_float4(0, 0, 0, 0);
  for (int w = 0; w < kAttnWarps; ++w) {
    // A warp with no valid key has sum 0 and acc 0, so its weight does not matter.
    float weight = warp_sum_exp[w] > 0 ? __expf(warp_max[w] - block_max) : 0.0f;
    total += weight * warp_sum_exp[w];
    out.x += weight * warp_acc[w][lane].x;
    out.y += weight * warp_acc[w][lane].y;
    out.z += weight * warp_acc[w][lane].z;
    out.w += weight * warp_acc[w][lane].w;
  }
  float* dst = partial + (static_cast<size_t>(head) * splits + split) * kPartialFloats;
  if (lane == 0) {
    dst[0] = block_max;
    dst[1] = total;
  }
  reinterpret_cast<float4*>(dst + 4)[lane] = out;
}

// One block per head, one thread per dimension: merges the valid splits.
__global__ void attention_combine_kernel(const float* partial, const int64_t* pos_ptr, float* out,
                                         int splits) {
  const int head = blockIdx.x, d = threadIdx.x;
  const int valid = static_cast<int>(*pos_ptr) / kKeysPerSplit + 1;
  const float* base = partial + static_cast<size_t>(head) * splits * kPartialFloats;
  float max_score = -FLT_MAX;
  for (int s = 0; s < valid; ++s)
    max_score = fmaxf(max_score, base[s * kPartialFloats]);
  float total = 0, value = 0;
  for (int s = 0; s < valid; ++s) {
    const float* p = base + s * kPartialFloats;
    float weight = __expf(p[0] - max_score);
    total += weight * p[1];
    value += weight * p[4 + d];
  }
  out[head * kHeadDim + d] = value / total;
}

__global__ void argmax_kernel(const float* logits, int n, int64_t* token, int64_t* pos) {
  float best = -FLT_MAX;
  int index = 0;
  // float4 loads, 8 in flight per thread (32000 logits = 8000 float4s over 1024 threads); a
  // thread sees its indices in increasing order, so strict > keeps the first of equal values.
  const int vectors = n / 4;
  const float4* logits4 = reinterpret_cast<const float4*>(logits);
#pragma unroll 8
  for (int v = threadIdx.x; v < vectors; v += blockDim.x) {
    float4 l = logits4[v];
    const float values[4] = {l.x, l.y, l.z, l.w};
#pragma unroll
    for (int k = 0; k < 4; ++k) {
      if (values[k] > best) {
        best = values[k];
        index = 4 * v + k;
      }
    }
  }
  for (int i = 4 * vectors + threadIdx.x; i < n; i += blockDim.x) {
    if (logits[i] > best) {
      best = logits[i];
      index = i;
    }
  }
  for (int offset = 16; offset > 0; offset /= 2) {
    float other = __shfl_xor_sync(0xffffffffu, best, offset);
    int other_index = __shfl_xor_sync(0xffffffffu, index, offset);
    if (other > best || (other == best && other_index < index)) {
      best = other;
      index = other_index;
    }
  }
  __shared__ float warp_best[32];
  __shared__ int warp_index[32];
  if (threadIdx.x % 32 == 0) {
    warp_best[threadIdx.x / 32] = best;
    warp_index[threadIdx.x / 32] = index;
  }
  __syncthreads();
  if (threadIdx.x != 0) return;
  for (int w = 1; w < blockDim.x / 32; ++w) {
    if (warp_best[w] > best || (warp_best[w] == best && warp_index[w] < index)) {
      best = warp_best[w];
      index = warp_index[w];
    }
  }
  // Thread 0's own value is warp 0's result after the shuffle reduction.
  *token = index;
  *pos += 1;
}

}  // namespace

void embed(const __nv_bfloat16* table, const int64_t* token, float* x, int dim,
           cudaStream_t stream) {
  embed_kernel<<<(dim + 255) / 256, 256, 0, stream>>>(table, token, x, dim);
  check_launch("embed");
}

void rope_and_cache(float* qkv, const float* rope_table, const int64_t* pos, __nv_bfloat16* k_cache,
                    __nv_bfloat16* v_cache, int heads, int capacity, cudaStream_t stream) {
  int pairs = heads * kHeadDim / 2;
  rope_kernel<<<(pairs + 255) / 256, 256, 0, stream>>>(qkv, rope_table, pos, k_cache, v_cache,
                                                       heads, capacity);
  check_launch("rope");
}

size_t attention_scratch_floats(int heads, int capacity) {
  int splits = (capacity + kKeysPerSplit - 1) / kKeysPerSplit;
  return static_cast<size_t>(heads) * splits * kPartialFloats;
}

void decode_attention(const float* q, const __nv_bfloat16* k_cache, const __nv_bfloat16* v_cache,
                      const int64_t* pos, float* scratch, float* out, int heads, int capacity,
                      cudaStream_t stream) {
  int splits = (capacity + kKeysPerSplit - 1) / kKeysPerSplit;
  float scale = 1.0f / sqrtf(static_cast<float>(kHeadDim));
  attention_partial_kernel<<<dim3(heads, splits), kAttnWarps * 32, 0, stream>>>(
      q, k_cache, v_cache, pos, scratch, capacity, scale);
  check_launch("attention_partial");
  attention_combine_kernel<<<heads, kHeadDim, 0, stream>>>(scratch, pos, out, splits);
  check_launch("attention_combine");
}

void argmax_and_advance(const float* logits, int n, int64_t* token, int64_t* pos,
                        cudaStream_t stream) {
  argmax_kernel<<<1, 1024, 0, stream>>>(logits, n, token, pos);
  check_launch("argmax");
}

}  // namespace llm
