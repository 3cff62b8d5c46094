// The model in plain ATen ops, written as a straightforward port of gpt-fast's model.py.
#include <limits>

#include "llm/model.h"

namespace llm {
namespace {

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  auto xf = x.to(at::kFloat);
  auto normed = xf * at::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + eps);
  return normed.to(x.scalar_type()) * weight;
}

// x: [M, heads, head_dim]; rope: [M, head_dim / 2, 2]. Adjacent elements form a pair.
at::Tensor apply_rope(const at::Tensor& x, const at::Tensor& rope) {
  auto shaped = x.to(at::kFloat).unflatten(-1, {-1, 2});
  auto r = rope.unsqueeze(1);
  auto x0 = shaped.select(-1, 0), x1 = shaped.select(-1, 1);
  auto c = r.select(-1, 0), s = r.select(-1, 1);
  return at::stack({x0 * c - x1 * s, x1 * c + x0 * s}, -1).flatten(2).to(x.scalar_type());
}

// [M, heads, head_dim] -> [1, heads, M, head_dim]
at::Tensor heads_first(const at::Tensor& x) {
  return x.transpose(0, 1).unsqueeze(0);
}

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                     const at::Tensor& mask) {
  double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  auto scores = at::matmul(q, k.transpose(-2, -1)) * scale;
  if (mask.defined())
    scores = scores.masked_fill(mask.logical_not(), -std::numeric_limits<double>::infinity());
  auto probs = at::softmax(scores, -1, at::kFloat).to(q.scalar_type());
  return at::matmul(probs, v);
}

// Which cache positions each query may see: [M, keys] bool, or undefined when all of them.
at::Tensor attention_mask(const AtenKvCache& cache, const at::Tensor& positions, int64_t keys) {
  if (cache.grows && positions.size(0) == 1) return at::Tensor();  // one new token sees all
  auto key_positions = cache.grows ? at::arange(keys, positions.options()) : cache.key_positions;
  return key_positions.unsqueeze(0) <= positions.unsqueeze(1);
}

// Appends this step's keys and values, returns all keys and values to attend over.
std::pair<at::Tensor, at::Tensor> update_cache(AtenKvCache& cache, int64_t layer,
                                               const at::Tensor& k, const at::Tensor& v,
                                               const at::Tensor& positions) {
  auto& keys = cache.k[layer];
  auto& values = cache.v[layer];
  if (cache.grows) {
    keys = keys.defined() ? at::cat({keys, k}, 2) : k;
    values = values.defined() ? at::cat({values, v}, 2) : v;
  } else {
    keys.index_copy_(2, positions, k);
    values.index_copy_(2, positions, v);
  }
  return {keys, values};
}

}  // namespace

AtenKvCache AtenKvCache::growing(int64_t layers) {
  AtenKvCache cache;
  cache.k.resize(layers);
  cache.v.resize(layers);
  return cache;
}

AtenKvCache AtenKvCache::fixed(const Config& cfg, int64_t capacity, at::ScalarType dtype) {
  AtenKvCache cache;
  cache.grows = false;
  auto options = at::device(at::kCUDA).dtype(dtype);
  for (int64_t l = 0; l < cfg.n_layers; ++l) {
    cache.k.push_back(at::zeros({1, cfg.n_heads, capacity, cfg.head_dim()}, options));
    cache.v.push_back(at::zeros({1, cfg.n_heads, capacity, cfg.head_dim()}, options));
  }
  cache.key_positions = at::arange(capacity, at::device(at::kCUDA).dtype(at::kLong));
  return cache;
}

at::Tensor aten_forward(const Config& cfg, const ModelWeights& w, const at::Tensor& tokens,
                        const at::Tensor& positions, const at::Tensor& rope, AtenKvCache& cache) {
  const int64_t m = tokens.size(0), heads = cfg.n_heads, hd = cfg.head_dim();
  auto x = w.embedding.index_select(0, tokens);  // [M, dim]
  auto rotation = rope.index_select(0, positions);
  at::Tensor mask;
  for (int64_t l = 0; l < cfg.n_layers; ++l) {
    const auto& layer = w.layers[l];
    auto qkv = at::linear(rms_norm(x, layer.attn_norm, cfg.norm_eps), layer.wqkv);
    auto parts = qkv.view({m, 3, heads, hd}).unbind(1);
    auto q = heads_first(apply_rope(parts[0], rotation));
    auto k = heads_first(apply_rope(parts[1], rotation));
    auto [keys, values] = update_cache(cache, l, k, heads_first(parts[2]), positions);
    if (l == 0) mask = attention_mask(cache, positions, keys.size(2));
    auto attn = attention(q, keys, values, mask).squeeze(0).transpose(0, 1).reshape({m, cfg.dim});
    x = x + at::linear(attn, layer.wo);
    auto h = rms_norm(x, layer.ffn_norm, cfg.norm_eps);
    x = x + at::linear(at::silu(at::linear(h, layer.w1)) * at::linear(h, layer.w3), layer.w2);
  }
  return at::linear(rms_norm(x, w.final_norm, cfg.norm_eps), w.output).to(at::kFloat);
}

at::Tensor reference_logits(const Config& cfg, const ModelWeights& w_fp32,
                            const at::Tensor& tokens) {
  auto cache = AtenKvCache::growing(cfg.n_layers);
  auto positions = at::arange(tokens.size(0), tokens.options());
  auto rope = rope_table(cfg, tokens.size(0));
  return aten_forward(cfg, w_fp32, tokens, positions, rope, cache);
}

}  // namespace llm
