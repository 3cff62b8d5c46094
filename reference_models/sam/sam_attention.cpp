#include "sam/sam_attention.h"

#include <cmath>
#include <utility>

namespace sam {
namespace {

int64_t round_up(int64_t n, int64_t multiple) {
  return (n + multiple - 1) / multiple * multiple;
}

// get_rel_pos for equal query and key sizes: index[i][j] = i - j + size - 1.
at::Tensor rel_index(int64_t size, at::Device device) {
  auto pos = at::arange(size, at::TensorOptions().dtype(at::kLong).device(device));
  return pos.unsqueeze(1) - pos.unsqueeze(0) + (size - 1);
}

at::Tensor gather_table(const at::Tensor& rel_pos, const at::Tensor& index) {
  return rel_pos.index_select(0, index.flatten()).view({index.size(0), index.size(1), -1});
}

}  // namespace

Attention::Attention(const BlockWeights& w, const SamConfig& config, int64_t size,
                     const ForwardOptions& options, std::shared_ptr<SdpaPlanner> planner)
    : options_(options),
      size_(size),
      heads_(config.heads),
      head_dim_(config.head_dim()),
      scale_(1.0 / std::sqrt(static_cast<double>(config.head_dim()))),
      key_(size == config.grid() ? "global" : "window"),
      planner_(std::move(planner)) {
  bool fold = options.attention == AttentionKind::kSdpaFolded ||
              options.attention == AttentionKind::kSdpaFoldedDirect;
  auto qkv_w = w.qkv_w, qkv_b = w.qkv_b;
  if (fold) {  // q leaves the GEMM already scaled, so the folded QK product needs no scale
    auto row_scale = at::ones({3 * config.dim}, qkv_b.options());
    row_scale.slice(0, 0, config.dim).fill_(scale_);
    qkv_w = qkv_w * row_scale.unsqueeze(1);
    qkv_b = qkv_b * row_scale;
  }
  // FP8 on the MLP only (fp8_attention_linears off) keeps qkv and proj dense.
  bool dense = !options.fp8_attention_linears &&
               (options.gemm == GemmKind::kFp8 || options.gemm == GemmKind::kFakeFp8);
  auto gemm = dense ? GemmKind::kDense : options.gemm;
  qkv_ = Linear(qkv_w, qkv_b, options.dtype, gemm, options.fp8_fast_accum);
  proj_ = Linear(w.proj_w, w.proj_b, options.dtype, gemm, options.fp8_fast_accum);
  rel_pos_h_ = w.rel_pos_h.to(options.dtype);
  rel_pos_w_ = w.rel_pos_w.to(options.dtype);
  rel_index_ = rel_index(size, w.rel_pos_h.device());
  if (!fold) return;
  // q_ext = [q*scale, q·Rh, q·Rw] and k_ext = [k, onehot(row), onehot(col)], so that
  // q_ext·k_ext = q·k*scale + rel_h[row of k] + rel_w[col of k]: the attention kernel adds the
  // decomposed rel-pos terms in its QK product. P pads S to a multiple of 8 with zero columns.
  int64_t padded = round_up(size, 8);
  auto folded_table = [&](const at::Tensor& rel_pos) {
    auto table = gather_table(rel_pos, rel_index_) / scale_;  // undoes the scale folded into q
    return at::constant_pad_nd(table, {0, 0, 0, padded - size}).to(options.dtype);
  };
  folded_h_ = folded_table(w.rel_pos_h);
  folded_w_ = folded_table(w.rel_pos_w);
  auto token = at::arange(size * size, rel_index_.options());
  key_positions_ = at::cat({at::one_hot(at::div(token, size, "floor"), padded),
                            at::one_hot(token.remainder(size), padded)},
                           1)
                       .to(options.dtype);
}

at::Tensor Attention::operator()(const Rows& x, int64_t squares) const {
  int64_t tokens = size_ * size_;
  if (options_.attention == AttentionKind::kSdpaFoldedDirect) {
    auto out = folded_direct(qkv_(x).view({squares, tokens, 3, heads_, head_dim_}));
    // The output is token-major when the attention kernel follows q_ext's layout (cuDNN does):
    // then this reshape is a view, not a copy.
    return proj_(
        Rows{out.permute({0, 2, 1, 3}).reshape({squares * tokens, heads_ * head_dim_}), {}});
  }
  auto qkv = qkv_(x)
                 .view({squares, tokens, 3, heads_, head_dim_})
                 .permute({2, 0, 3, 1, 4})
                 .reshape({3, squares * heads_, tokens, head_dim_});
  auto q = qkv[0], k = qkv[1], v = qkv[2];
  at::Tensor out;  // (squares, heads, tokens, head_dim)
  switch (options_.attention) {
    case AttentionKind::kNaive:
      out = naive(q, k, v).view({squares, heads_, tokens, head_dim_});
      break;
    case AttentionKind::kSdpaBias:
      out = with_bias(q, k, v);
      break;
    case AttentionKind::kSdpaFolded:
      out = folded(q, k, v);
      break;
    case AttentionKind::kSdpaFoldedDirect:  // returned above
      break;
  }
  out = out.permute({0, 2, 1, 3}).reshape({squares * tokens, heads_ * head_dim_});
  return proj_(Rows{out, {}});
}

at::Tensor Attention::naive(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) const {
  int64_t tokens = size_ * size_;
  auto attn = at::matmul(q * scale_, k.transpose(-2, -1));
  auto [rel_h, rel_w] = rel_terms(q);
  attn = (attn.view({-1, size_, size_, size_, size_}) + rel_h.unsqueeze(-1) + rel_w.unsqueeze(-2))
             .view({-1, tokens, tokens});
  return at::matmul(attn.softmax(-1), v);
}

at::Tensor Attention::with_bias(const at::Tensor& q, const at::Tensor& k,
                                const at::Tensor& v) const {
  int64_t tokens = size_ * size_, squares = q.size(0) / heads_;
  auto [rel_h, rel_w] = rel_terms(q);
  // segment-anything-fast's SDPA fallback: the rel-pos terms as a materialized additive mask.
  // einsum may return its result permuted; with contiguous terms the sum is contiguous too.
  auto bias = (rel_h.contiguous().unsqueeze(-1) + rel_w.contiguous().unsqueeze(-2))
                  .reshape({squares, heads_, tokens, tokens});
  auto split = [&](const at::Tensor& t) { return t.view({squares, heads_, tokens, head_dim_}); };
  return planner_->run(key_ + "-bias", split(q), split(k), split(v), bias, scale_);
}

at::Tensor Attention::folded(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) const {
  int64_t tokens = size_ * size_, squares = q.size(0) / heads_, padded = folded_h_.size(1);
  auto r_q = q.view({-1, size_, size_, head_dim_});
  // einsum may return its result permuted (batched over h or w): reshape, not view.
  auto rel_h = at::einsum("bhwc,hkc->bhwk", {r_q, folded_h_}).reshape({-1, tokens, padded});
  auto rel_w = at::einsum("bhwc,wkc->bhwk", {r_q, folded_w_}).reshape({-1, tokens, padded});
  auto q_ext = at::cat({q, rel_h, rel_w}, -1).view({squares, heads_, tokens, -1});
  auto k_ext = at::cat({k, key_positions_.expand({q.size(0), tokens, 2 * padded})}, -1)
                   .view({squares, heads_, tokens, -1});
  return planner_->run(key_ + "-folded", q_ext, k_ext, v.view({squares, heads_, tokens, head_dim_}),
                       std::nullopt, 1.0);
}

at::Tensor Attention::folded_direct(const at::Tensor& qkv) const {
  int64_t squares = qkv.size(0), tokens = size_ * size_, padded = folded_h_.size(1);
  int64_t ext = head_dim_ + 2 * padded;
  // q_ext and k_ext are stored token-major, (squares, tokens, heads, ext), like the qkv GEMM's
  // output: each piece is written once into its slice, with no full qkv permute and no at::cat
  // (relpos_fold paid both: copies were 32% of its step at batch 8).
  auto q_rows = at::empty({squares, tokens, heads_, ext}, qkv.options());
  auto k_rows = at::empty({squares, tokens, heads_, ext}, qkv.options());
  auto q = q_rows.narrow(-1, 0, head_dim_);
  q.copy_(qkv.select(2, 0));
  k_rows.narrow(-1, 0, head_dim_).copy_(qkv.select(2, 1));
  // The one-hot key positions, broadcast over squares and heads.
  k_rows.narrow(-1, head_dim_, 2 * padded).copy_(key_positions_.view({tokens, 1, 2 * padded}));
  // rel_h: for a fixed (square, query row), the (column, head) rows of q are evenly strided (by
  // ext) in this layout, so one strided batched GEMM reads q in place and writes its slice of
  // q_ext in place: batch (square, row), [size * heads, head_dim] x [head_dim, P].
  auto rows_of = [&](const at::Tensor& t) {
    return t.view({squares * size_, size_ * heads_, t.size(-1)});
  };
  auto table_h = folded_h_.transpose(1, 2).unsqueeze(0).expand({squares, size_, head_dim_, padded});
  auto rel_h = rows_of(q_rows.narrow(-1, head_dim_, padded));
  at::bmm_out(rel_h, rows_of(q), table_h.reshape({squares * size_, head_dim_, padded}));
  // rel_w batches over the key column, whose rows are not evenly strided here: einsum copies q.
  auto q_map = q.view({squares, size_, size_, heads_, head_dim_});
  q_rows.narrow(-1, head_dim_ + padded, padded)
      .view({squares, size_, size_, heads_, padded})
      .copy_(at::einsum("bhwnc,wkc->bhwnk", {q_map, folded_w_}));
  auto v = qkv.select(2, 2).contiguous();  // (squares, tokens, heads, head_dim)
  auto heads_first = [](const at::Tensor& t) { return t.permute({0, 2, 1, 3}); };
  return planner_->run(key_ + "-direct", heads_first(q_rows), heads_first(k_rows), heads_first(v),
                       std::nullopt, 1.0);
}

std::pair<at::Tensor, at::Tensor> Attention::rel_terms(const at::Tensor& q) const {
  auto r_q = q.reshape({-1, size_, size_, head_dim_});
  return {at::einsum("bhwc,hkc->bhwk", {r_q, rel_table(rel_pos_h_)}),
          at::einsum("bhwc,wkc->bhwk", {r_q, rel_table(rel_pos_w_)})};
}

at::Tensor Attention::rel_table(const at::Tensor& rel_pos) const {
  if (!options_.rel_index_from_cpu) return gather_table(rel_pos, rel_index_);
  // As SAM's get_rel_pos: the index is built from CPU aranges on every call, and its copy to the
  // GPU (pageable memory) makes the host wait for the GPU, twice per block.
  return gather_table(rel_pos, rel_index(size_, at::kCPU).to(rel_pos.device()));
}

}  // namespace sam
