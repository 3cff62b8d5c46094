// The SAM image encoder forward: patch embedding, the blocks, the neck. Two paths: SAM's own
// structure (variants fp32 .. graph) and the fused one (our row kernels, variant fused and later).
#pragma once

#include "sam/sam_attention.h"
#include "sam/sam_linear.h"
#include "sam/sam_model.h"
#include "sam/sam_sdpa.h"

#include <ATen/ATen.h>

#include <memory>
#include <vector>

namespace sam {

class SamEncoder {
 public:
  SamEncoder(const SamWeights& weights, const SamConfig& config, const ForwardOptions& options);

  // image (B, 3, S, S) in the variant's dtype -> embeddings (B, 256, S/16, S/16).
  at::Tensor forward(const at::Tensor& image) const;
  const SdpaPlanner& planner() const { return *planner_; }

 private:
  struct Norm {
    at::Tensor weight, bias;
  };
  struct Block {
    int64_t window = 0;  // 0: global attention
    Norm norm1, norm2;
    std::unique_ptr<Attention> attention;
    Linear fc1, fc2;
  };

  at::Tensor embed(const at::Tensor& image) const;
  at::Tensor block_unfused(const Block& block, const at::Tensor& x) const;
  at::Tensor neck_unfused(const at::Tensor& x) const;
  at::Tensor forward_fused(const at::Tensor& image) const;
  at::Tensor neck_fused(at::Tensor& rows, const TokenGrid& grid) const;

  SamConfig config_;
  ForwardOptions options_;
  std::shared_ptr<SdpaPlanner> planner_;
  at::Tensor patch_w_, patch_b_, pos_embed_;
  std::vector<Block> blocks_;
  Linear neck_conv1_;  // the 1x1 convolution as a linear layer over tokens
  at::Tensor neck_conv1_w_, neck_conv2_w_;
  Norm neck_ln1_, neck_ln2_;
};

}  // namespace sam
