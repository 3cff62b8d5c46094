// The Llama-2-style decoder (gpt-fast's model.py): configuration, random weights from a fixed
// seed, weight-only quantization, and the plain ATen forward pass that the first three ladder
// variants run in bf16 and the correctness reference runs in fp32.
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "llm/kernels.h"

namespace llm {

struct Config {
  int64_t dim, n_layers, n_heads, ffn, vocab;
  int64_t max_seq = 2048;  // the model's context limit
  int64_t prompt = 256;    // tokens prefilled before the timed decode steps
  double norm_eps = 1e-5;
  double rope_base = 10000;
  int64_t head_dim() const { return dim / n_heads; }
};

// "full": Llama-2-7B. "small": dim 1024, 8 layers, for quick runs.
Config config_named(const std::string& name);

struct LayerWeights {
  at::Tensor attn_norm, wqkv, wo, ffn_norm, w1, w3, w2;  // linears are [out, in]
};

struct ModelWeights {
  at::Tensor embedding, final_norm, output;
  std::vector<LayerWeights> layers;
};

// bf16 weights on the GPU, N(0, 1/in) for linears so activations stay O(1) over 32 layers.
ModelWeights random_weights(const Config& cfg, uint64_t seed);

// The same weights in another dtype (the fp32 reference upcasts the bf16 ones).
ModelWeights weights_as(const ModelWeights& w, at::ScalarType dtype);

// Bytes of the linear weights (and their scales) that one decode step reads.
double linear_weight_bytes(const ModelWeights& w);

// A linear layer's weight in the format the GEMV kernels read (see GemvWeights).
struct QuantLinear {
  WeightFormat format = WeightFormat::kBf16;
  at::Tensor data, scales;
  int64_t rows = 0, cols = 0;

  static QuantLinear quantize(const at::Tensor& weight_bf16, WeightFormat format);
  at::Tensor dequantized() const;  // fp32 [rows, cols], exactly what the kernels compute with
  GemvWeights view() const;
  double bytes() const;
};

// cos and sin of the rotary angles, fp32 [positions, head_dim / 2, 2].
at::Tensor rope_table(const Config& cfg, int64_t positions);

// The KV cache of the ATen paths: grown by concatenation (the naive loop), or preallocated to a
// fixed capacity and written in place (what a CUDA graph needs).
struct AtenKvCache {
  bool grows = true;
  std::vector<at::Tensor> k, v;  // [1, heads, length or capacity, head_dim]
  at::Tensor key_positions;      // fixed capacity: arange(capacity), for the attention mask

  static AtenKvCache growing(int64_t layers);
  static AtenKvCache fixed(const Config& cfg, int64_t capacity, at::ScalarType dtype);
};

// Runs `tokens` at `positions` (both int64 [M] on the device) through the model with plain ATen
// ops in the weights' dtype, appends their keys and values to `cache`, and returns fp32 logits
// [M, vocab]. Attention is the math path gpt-fast uses (matmul, mask, softmax, matmul).
at::Tensor aten_forward(const Config& cfg, const ModelWeights& w, const at::Tensor& tokens,
                        const at::Tensor& positions, const at::Tensor& rope, AtenKvCache& cache);

// fp32 logits [M, vocab] of a whole sequence run at once with causal attention.
at::Tensor reference_logits(const Config& cfg, const ModelWeights& w_fp32,
                            const at::Tensor& tokens);

}  // namespace llm
