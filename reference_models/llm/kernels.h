// CUDA kernels of the fused decode step (batch 1, one token): GEMV with RMSNorm in its prologue
// for bf16 / int8 / int4 weights, RoPE with the KV-cache write, split decode attention, and
// greedy sampling that also advances the position. Raw pointers only, so that this header and
// kernels.cu stay free of LibTorch (fast to compile, no ABI coupling).
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

namespace llm {

constexpr int kHeadDim = 128;  // the kernels assume Llama's head size
constexpr int kInt4Group = 32;

enum class WeightFormat { kBf16, kInt8, kInt4 };

// A weight matrix [rows, cols] as the GEMV kernels read it.
//   kBf16: data bf16 [rows, cols], scales unused.
//   kInt8: data int8 [rows, cols], scales float [rows]: w = q * scale (symmetric, per row).
//   kInt4: data uint8 [rows, cols / 2], two values per byte, low nibble first; scales bf16
//          [rows, cols / 32, 2] holding (scale, zero): w = (q - 8) * scale + zero.
struct GemvWeights {
  WeightFormat format = WeightFormat::kBf16;
  const void* data = nullptr;
  const void* scales = nullptr;
  int rows = 0, cols = 0;
};

enum class Epilogue {
  kStore,       // y = W x
  kAccumulate,  // y += W x (the residual add)
  kSwiGLU,      // y = silu(A x) * (B x)
  kRope,        // the QKV projection: q rotated into y, k rotated and v written to the caches
};

// Where the kRope epilogue puts its rows: W's rows are [q | k | v], each `rows / 3` long with
// heads of kHeadDim; RoPE pairs are adjacent rows (gpt-fast's layout), which one warp computes
// together. rope_table: fp32 [capacity, kHeadDim / 2, 2] holding cos, sin; caches: bf16
// [heads, capacity, kHeadDim], written at position *pos.
struct RopeCache {
  const float* table = nullptr;
  const int64_t* pos = nullptr;
  __nv_bfloat16* k_cache = nullptr;
  __nv_bfloat16* v_cache = nullptr;
  int capacity = 0;
};

struct GemvArgs {
  GemvWeights a;
  GemvWeights b;                               // the up projection, for kSwiGLU only
  const float* x = nullptr;                    // [cols]
  const __nv_bfloat16* norm_weight = nullptr;  // non-null: x is RMS-normalized first
  float norm_eps = 1e-5f;
  float* y = nullptr;  // [rows] (kRope: only the q rows are written)
  Epilogue epilogue = Epilogue::kStore;
  RopeCache rope;  // kRope only
  // Tuning, for llm_gemv_bench's sweep; 0 picks the format's default. chunks_in_flight: 16-byte
  // weight loads per lane and buffer (4 or 8); min_blocks: blocks per SM the kernel's registers
  // are sized for (2 or 3); splits: column splits of a residual-add GEMV.
  int chunks_in_flight = 0;
  int min_blocks = 0;
  int splits = 0;
};

void gemv(const GemvArgs& args, cudaStream_t stream);

// x[i] = table[*token, i] as fp32. Launched without PDL: in the speculative decoder's graph it
// follows a copy, not a kernel.
void embed(const __nv_bfloat16* table, const int64_t* token, float* x, int dim,
           cudaStream_t stream);

// Attention of one query per head (q: fp32 [heads, kHeadDim]) over cache positions 0..*pos,
// split over the sequence (flash-decoding) so that many SMs share it; the last block of a head
// to finish merges the splits. `scratch` holds attention_scratch_floats(); `counters` is int32
// [heads], zero before the first call (each call leaves it zero).
size_t attention_scratch_floats(int heads, int capacity);
void decode_attention(const float* q, const __nv_bfloat16* k_cache, const __nv_bfloat16* v_cache,
                      const int64_t* pos, float* scratch, int* counters, float* out, int heads,
                      int capacity, cudaStream_t stream);

// *token = argmax(logits) (first index on ties, as at::argmax); *pos += 1.
void argmax_and_advance(const float* logits, int n, int64_t* token, int64_t* pos,
                        cudaStream_t stream);

}  // namespace llm
