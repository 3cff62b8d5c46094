// The ViT image encoder of Segment Anything (facebookresearch/segment-anything,
// segment_anything/modeling/image_encoder.py), its configurations, random weights, and the
// switches that the ladder turns one at a time.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace sam {

struct SamConfig {
  int64_t image_size = 1024;
  int64_t patch = 16;
  int64_t dim = 768;
  int64_t depth = 12;
  int64_t heads = 12;
  int64_t window = 14;  // windowed blocks attend within zero-padded 14x14 token windows
  int64_t mlp_dim = 3072;
  int64_t neck_dim = 256;
  std::vector<int64_t> global_blocks = {2, 5, 8, 11};

  int64_t grid() const { return image_size / patch; }
  int64_t head_dim() const { return dim / heads; }
  bool is_global(int64_t block) const;
};

SamConfig vit_b();
// ViT-B widths at a 512x512 input with 4 blocks (global attention in blocks 1 and 3), so that the
// whole ladder runs in under a minute.
SamConfig vit_b_small();
// ViT-H (SAM's largest encoder): dim 1280, 32 blocks, 16 heads of 80, global blocks 7, 15, 23, 31.
SamConfig vit_h();

enum class AttentionKind {
  kNaive,       // SAM's code: (q*scale) @ k^T + decomposed rel-pos, softmax, @ v
  kSdpaBias,    // scaled_dot_product_attention with the rel-pos terms materialized as attn_mask
  kSdpaFolded,  // rel-pos terms folded into the QK product of the fused attention kernel
  kSdpaFoldedDirect,  // the same fold, each piece written once into token-major q_ext / k_ext
};

enum class GemmKind {
  kDense,     // at::linear in the model's dtype
  kFp8,       // rowwise e4m3 at::_scaled_mm (activation quant fused into our kernels)
  kSparse24,  // 2:4-pruned weights through cuSPARSELt
  kFakeFp8,   // fp32 reference of kFp8: weights and activations rounded to e4m3 rowwise
};

struct ForwardOptions {
  at::ScalarType dtype = at::kFloat;
  bool rel_index_from_cpu = false;  // rebuild the rel-pos index on the CPU each call (syncs)
  AttentionKind attention = AttentionKind::kNaive;
  bool fused_kernels = false;  // our add+LayerNorm(+window layout) kernels, GELU epilogue
  GemmKind gemm = GemmKind::kDense;
  // With kFp8 / kFakeFp8: whether qkv and proj are FP8 too (false: only fc1 and fc2 are).
  bool fp8_attention_linears = true;
  bool fp8_fast_accum = false;  // _scaled_mm's use_fast_accum (cuBLASLt FP8 fast accumulation)
};

struct BlockWeights {
  at::Tensor norm1_w, norm1_b, qkv_w, qkv_b, proj_w, proj_b, rel_pos_h, rel_pos_w;
  at::Tensor norm2_w, norm2_b, fc1_w, fc1_b, fc2_w, fc2_b;
};

struct SamWeights {
  at::Tensor patch_w, patch_b, pos_embed;
  std::vector<BlockWeights> blocks;
  at::Tensor neck_conv1_w, neck_ln1_w, neck_ln1_b, neck_conv2_w, neck_ln2_w, neck_ln2_b;
};

// fp32 weights on the current CUDA device, drawn from `seed` (nothing is downloaded).
SamWeights random_weights(const SamConfig& config, uint64_t seed);

// A batch of normalized input images (B, 3, S, S), fp32, drawn from `seed`.
at::Tensor random_image(const SamConfig& config, int64_t batch, uint64_t seed);

// The same weights with every block linear pruned to 2:4 along its input dimension (the two
// largest magnitudes of each group of four are kept), as cuSPARSELt needs.
SamWeights prune_2_4(const SamWeights& weights);

}  // namespace sam
