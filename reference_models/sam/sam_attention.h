// SAM's attention with decomposed relative positions (image_encoder.py: Attention, get_rel_pos,
// add_decomposed_rel_pos), in the three forms of the ladder.
#pragma once

#include "sam/sam_kernels.h"
#include "sam/sam_linear.h"
#include "sam/sam_model.h"
#include "sam/sam_sdpa.h"

#include <ATen/ATen.h>

#include <memory>
#include <string>

namespace sam {

class Attention {
 public:
  // `size`: tokens per side of the attended square (the window, or the whole grid).
  Attention(const BlockWeights& w, const SamConfig& config, int64_t size,
            const ForwardOptions& options, std::shared_ptr<SdpaPlanner> planner);

  // x: rows of `squares` squares of size x size tokens, [squares * size * size, dim] -> same.
  at::Tensor operator()(const Rows& x, int64_t squares) const;

 private:
  at::Tensor naive(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) const;
  at::Tensor with_bias(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) const;
  at::Tensor folded(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) const;
  // qkv: the qkv GEMM's output viewed as (squares, tokens, 3, heads, head_dim).
  at::Tensor folded_direct(const at::Tensor& qkv) const;
  // rel_h (.., S, S, S_k) and rel_w of add_decomposed_rel_pos for q (B*heads, L, head_dim).
  std::pair<at::Tensor, at::Tensor> rel_terms(const at::Tensor& q) const;
  at::Tensor rel_table(const at::Tensor& rel_pos) const;

  ForwardOptions options_;
  int64_t size_, heads_, head_dim_;
  double scale_;
  std::string key_;  // names this attention shape for the SDPA planner
  Linear qkv_, proj_;
  at::Tensor rel_pos_h_, rel_pos_w_;
  at::Tensor rel_index_;            // (S, S) on the device, built once (variant device_index on)
  at::Tensor folded_h_, folded_w_;  // (S, P, head_dim) tables / scale, zero-padded to P columns
  at::Tensor key_positions_;        // (L, 2P) one-hot row and column of each key token
  std::shared_ptr<SdpaPlanner> planner_;
};

}  // namespace sam
