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
};

struct GemvArgs {
  GemvWeights a;
  GemvWeights b;                               // the up projection, for kSwiGLU only
  const float* x = nullptr;                    // [cols]
  const __nv_bfloat16* norm_weight = nullptr;  // non-null: x is RMS-normalized first
  float norm_eps = 1e-5f;
  float* y = nullptr;  // [rows]
  Epilogue epilogue = Epilogue::kStore;
};

void gemv(const GemvArgs& args, cudaStream_t stream);

// x[i] = table[*token, i] as fp32.
void embed(const __nv_bfloat16* table, const int64_t* token, float* x, int dim,
           cudaStream_t stream);

// Rotates q and k inside qkv ([3, heads, kHeadDim] fp32) at position *pos (rope_table: fp32
// [capacity, kHeadDim / 2, 2] holding cos, sin), and writes k and v to the caches
// ([heads, capacity, kHeadDim] bf16) at *pos.
void rope_and_cache(float* qkv, const float* rope_table, const int64_t* pos, __nv_bfloat16* k_cache,
                    __nv_bfloat16* v_cache, int heads, int capacity, cudaStream_t stream);

// Attention of one query per head over cache positions 0..*pos, split over the sequence
// (flash-decoding) so that many SMs share it; `scratch` holds attention_scratch_floats().
size_t attention_scratch_floats(int heads, int capacity);
void decode_attention(const float* q, const __nv_bfloat16* k_cache, const __nv_bfloat16* v_cache,
                      const int64_t* pos, float* scratch, float* out, int heads, int capacity,
                      cudaStream_t stream);

// *token = argmax(logits) (first index on ties, as at::argmax); *pos += 1.
void argmax_and_advance(const float* logits, int n, int64_t* token, int64_t* pos,
                        cudaStream_t stream);

}  // namespace llm
