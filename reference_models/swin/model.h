// Swin-T (microsoft/Swin-Transformer models/swin_transformer.py) as plain LibTorch tensors:
// patch 4, window 7 (49 tokens), shifted windows with roll and the -100 mask, a 169-entry
// relative-position bias table per block, patch merging, depths 2-2-6-2, dim 96, heads
// 3-6-12-24. `Recipe` selects how each part is computed; the default is the reference's way.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace swin {

struct Config {
  int64_t image = 224, patch = 4, window = 7, embed_dim = 96, classes = 1000, mlp_ratio = 4;
  std::vector<int64_t> depths{2, 2, 6, 2};
  std::vector<int64_t> heads{3, 6, 12, 24};
};

enum class Attention {
  kNaive,        // q k^T -> + bias (+ mask) -> softmax -> @ v, as the reference
  kNaivePadded,  // the same with the window's 49 tokens padded to 56 for the batched GEMMs
  kEfficient,    // at::_scaled_dot_product_efficient_attention with the bias+mask as attn_bias
};

struct Recipe {
  Attention attention = Attention::kNaive;
  bool fused_window = false;      // roll+partition and merge+roll+residual kernels (window_ops.h)
  bool precomputed_bias = false;  // bias+mask built once per block (inference, kEfficient only)
  bool gelu_epilogue = false;     // fc1 GEMM + bias + GELU(tanh) in one cuBLASLt call (inference)
  bool norm_in_activation_dtype = false;  // LayerNorm on bf16 activations, outside autocast
};

struct Linear {
  at::Tensor weight, bias;  // bias undefined for the patch-merging reduction
};

struct Norm {
  at::Tensor weight, bias;
};

struct Block {
  int64_t heads = 0, window = 0, shift = 0, resolution = 0;
  Norm norm1, norm2;
  Linear qkv, proj, fc1, fc2;
  at::Tensor bias_table;  // (169, heads), a parameter
  at::Tensor attn_mask;   // (nW, 49, 49) of 0 / -100 for shifted blocks, else undefined
  at::Tensor fixed_bias;  // Recipe::precomputed_bias: (B*nW, heads, 49, 49) view, 56-aligned
};

struct Stage {
  std::vector<Block> blocks;
  Norm merge_norm;  // patch merging at the end of stages 1-3 (undefined in the last)
  Linear merge;
};

struct Model {
  Config config;
  Recipe recipe;
  Linear patch_embed;  // Conv2d(3, 96, 4, stride 4)
  Norm patch_norm;
  std::vector<Stage> stages;
  Norm head_norm;
  Linear head;
  at::Tensor relative_index;  // (49*49) int64 into the bias tables
};

// Random weights from `seed` (normal, std 0.02; LayerNorms 1/0), fp32 on the current GPU.
Model build_model(const Config& config, uint64_t seed);

// Every trainable tensor, in a fixed order.
std::vector<at::Tensor> parameters(Model& model);

// Casts parameters and masks to `dtype` (inference in bf16).
void cast_model(Model& model, at::ScalarType dtype);

// Builds every block's fixed_bias for batches of `batch` images (Recipe::precomputed_bias).
void precompute_attention_bias(Model& model, int64_t batch);

// images (B, 3, 224, 224) -> logits (B, classes).
at::Tensor forward(const Model& model, const at::Tensor& images);

}  // namespace swin
