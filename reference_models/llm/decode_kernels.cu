// The small kernels of the fused decode step: embedding lookup, split decode attention
// (flash-decoding, with the merge of the splits in the same kernel) and greedy sampling (RoPE and
// the KV-cache write are the QKV GEMV's epilogue, gemv.cu). Each reads the position from device
// memory, so that one captured CUDA graph serves every token, and waits for its predecessor with
// PDL (launch.h).
#include <cfloat>
#include <cstdio>
#include <cstdlib>

#include "llm/kernels.h"
#include "llm/launch.h"

namespace llm {
namespace {

constexpr int kKeysPerWarp = 16;
constexpr int kAttnWarps = 4;
constexpr int kKeysPerSplit = kKeysPerWarp * kAttnWarps;
// Per (head, split): max score, sum of exp, 2 floats of padding (16-byte aligned values), then
// the exp-weighted sum of values.
constexpr int kPartialFloats = kHeadDim + 4;

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2)
    v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

__global__ void embed_kernel(const __nv_bfloat16* table, const int64_t* token, float* x, int dim) {
  pdl_trigger();
  pdl_wait();
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < dim) x[i] = __bfloat162float(table[*token * dim + i]);
}

__device__ __forceinline__ float4 bf16x4_to_float4(uint2 raw) {
  return make_float4(__uint_as_float(raw.x << 16), __uint_as_float(raw.x & 0xffff0000u),
                     __uint_as_float(raw.y << 16), __uint_as_float(raw.y & 0xffff0000u));
}

// The splits of one head merged: `partial` holds `valid` records (max score, sum of exp, 2
// floats of padding, sum of exp * v); thread d computes output dimension d in one pass with a
// running maximum, so that the loads of all records are independent. The records were written
// by other blocks of this kernel, so they are read past L1 (__ldcg).
__device__ void merge_splits(const float* partial, int valid, float* out) {
  const int d = threadIdx.x;
  float max_score = -FLT_MAX, total = 0, value = 0;
#pragma unroll 4
  for (int s = 0; s < valid; ++s) {
    const float* p = partial + s * kPartialFloats;
    float score = __ldcg(p), sum = __ldcg(p + 1), v = __ldcg(p + 4 + d);
    float new_max = fmaxf(max_score, score);
    float old_weight = __expf(max_score - new_max), weight = __expf(score - new_max);
    total = total * old_weight + sum * weight;
    value = value * old_weight + v * weight;
    max_score = new_max;
  }
  out[d] = value / total;
}

// Block (head, split) handles keys [split * 64, split * 64 + 64) ∩ [0, pos]; each warp takes 16
// keys, each lane 4 of the 128 dimensions. Writes (max score, sum of exp, sum of exp * v); the
// last block of a head to finish (a counter per head, as in CUDA's threadFenceReduction sample)
// merges the head's splits, which saves the separate combine kernel and its launch.
__global__ void __launch_bounds__(kAttnWarps * 32)
    attention_kernel(const float* q, const __nv_bfloat16* k_cache, const __nv_bfloat16* v_cache,
                     const int64_t* pos_ptr, float* partial, int* counters, float* out,
                     int capacity, float scale) {
  static_assert(kAttnWarps * 32 == kHeadDim, "the merge uses one thread per dimension");
  pdl_trigger();
  pdl_wait();
  const int head = blockIdx.x, split = blockIdx.y, splits = gridDim.y;
  const int pos = static_cast<int>(*pos_ptr);
  const int first = split * kKeysPerSplit;
  if (first > pos) return;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const float4 qv = reinterpret_cast<const float4*>(q + head * kHeadDim)[lane];
  const size_t head_base = static_cast<size_t>(head) * capacity * kHeadDim + lane * 4;
  const int key0 = first + warp * kKeysPerWarp;

  // The 16 keys' and values' loads are all issued first (invalid keys read a clamped row and get
  // weight 0), so that the warp waits for memory once instead of once for keys and once for
  // values.
  uint2 keys[kKeysPerWarp], values[kKeysPerWarp];
#pragma unroll
  for (int j = 0; j < kKeysPerWarp; ++j) {
    size_t row = head_base + static_cast<size_t>(min(key0 + j, capacity - 1)) * kHeadDim;
    keys[j] = *reinterpret_cast<const uint2*>(k_cache + row);
    values[j] = *reinterpret_cast<const uint2*>(v_cache + row);
  }
  float scores[kKeysPerWarp];
  float max_score = -FLT_MAX;
#pragma unroll
  for (int j = 0; j < kKeysPerWarp; ++j) {
    float4 kv = bf16x4_to_float4(keys[j]);
    float s = warp_sum(qv.x * kv.x + qv.y * kv.y + qv.z * kv.z + qv.w * kv.w) * scale;
    scores[j] = key0 + j <= pos ? s : -FLT_MAX;
    max_score = fmaxf(max_score, scores[j]);
  }
  float sum = 0;
  float4 acc = make_float4(0, 0, 0, 0);
#pragma unroll
  for (int j = 0; j < kKeysPerWarp; ++j) {
    float4 vv = bf16x4_to_float4(values[j]);
    float p = key0 + j <= pos ? __expf(scores[j] - max_score) : 0.0f;
    sum += p;
    acc.x += p * vv.x;
    acc.y += p * vv.y;
    acc.z += p * vv.z;
    acc.w += p * vv.w;
  }

  __shared__ float warp_max[kAttnWarps], warp_sum_exp[kAttnWarps];
  __shared__ float4 warp_acc[kAttnWarps][32];
  __shared__ bool last;
  if (lane == 0) {
    warp_max[warp] = max_score;
    warp_sum_exp[warp] = sum;
  }
  warp_acc[warp][lane] = acc;
  __syncthreads();
  float* head_partial = partial + static_cast<size_t>(head) * splits * kPartialFloats;
  if (warp == 0) {
    float block_max = -FLT_MAX;
    for (int w = 0; w < kAttnWarps; ++w)
      block_max = fmaxf(block_max, warp_max[w]);
    float total = 0;
    float4 merged = make_float4(0, 0, 0, 0);
    for (int w = 0; w < kAttnWarps; ++w) {
      // A warp with no valid key has sum 0 and acc 0, so its weight does not matter.
      float weight = warp_sum_exp[w] > 0 ? __expf(warp_max[w] - block_max) : 0.0f;
      total += weight * warp_sum_exp[w];
      merged.x += weight * warp_acc[w][lane].x;
      merged.y += weight * warp_acc[w][lane].y;
      merged.z += weight * warp_acc[w][lane].z;
      merged.w += weight * warp_acc[w][lane].w;
    }
    float* dst = head_partial + split * kPartialFloats;
    if (lane == 0) {
      dst[0] = block_max;
      dst[1] = total;
    }
    reinterpret_cast<float4*>(dst + 4)[lane] = merged;
    __threadfence();  // this block's record is visible before its arrival is counted
  }
  __syncthreads();
  const int valid = pos / kKeysPerSplit + 1;  // blocks of this head that did not return early
  if (threadIdx.x == 0) {
    last = atomicAdd(counters + head, 1) == valid - 1;
    if (last) counters[head] = 0;  // every valid block has arrived: ready for the next call
  }
  __syncthreads();
  if (!last) return;
  __threadfence();
  merge_splits(head_partial, valid, out + head * kHeadDim);
}

__global__ void argmax_kernel(const float* logits, int n, int64_t* token, int64_t* pos) {
  pdl_trigger();
  pdl_wait();
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
  launch_kernel("embed", embed_kernel, dim3((dim + 255) / 256), dim3(256), 0, stream,
                /*programmatic=*/false, table, token, x, dim);
}

size_t attention_scratch_floats(int heads, int capacity) {
  int splits = (capacity + kKeysPerSplit - 1) / kKeysPerSplit;
  return static_cast<size_t>(heads) * splits * kPartialFloats;
}

void decode_attention(const float* q, const __nv_bfloat16* k_cache, const __nv_bfloat16* v_cache,
                      const int64_t* pos, float* scratch, int* counters, float* out, int heads,
                      int capacity, cudaStream_t stream) {
  int splits = (capacity + kKeysPerSplit - 1) / kKeysPerSplit;
  float scale = 1.0f / sqrtf(static_cast<float>(kHeadDim));
  launch_kernel("attention", attention_kernel, dim3(heads, splits), dim3(kAttnWarps * 32), 0,
                stream, /*programmatic=*/true, q, k_cache, v_cache, pos, scratch, counters, out,
                capacity, scale);
}

void argmax_and_advance(const float* logits, int n, int64_t* token, int64_t* pos,
                        cudaStream_t stream) {
  launch_kernel("argmax", argmax_kernel, dim3(1), dim3(1024), 0, stream, /*programmatic=*/true,
                logits, n, token, pos);
}

}  // namespace llm
