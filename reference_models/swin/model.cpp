#include "swin/model.h"

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/impl/LocalDispatchKeySet.h>

#include <cmath>
#include <functional>

#include "swin/window_autograd.h"

namespace swin {
namespace {

// The efficient-attention kernel needs bias strides that are multiples of 8 elements: 49-token
// rows are stored 56 wide and sliced back to 49.
constexpr int64_t kAlignedTokens = 56;
// Padded keys get this score so that softmax gives them no weight; padded query rows are
// dropped after the second GEMM.
constexpr double kPaddedKeyScore = -1e4;
constexpr double kMaskedScore = -100.0;  // the reference's shifted-window mask value

struct Init {
  at::Generator generator;
  at::Tensor normal(at::IntArrayRef shape) {
    return (at::randn(shape, generator, at::kFloat) * 0.02).to(at::kCUDA);
  }
  Linear linear(int64_t in, int64_t out, bool bias = true) {
    return {normal({out, in}), bias ? normal({out}) : at::Tensor()};
  }
  static Norm norm(int64_t dim) {
    return {at::ones({dim}, at::device(at::kCUDA)), at::zeros({dim}, at::device(at::kCUDA))};
  }
};

// Relative position of every token pair in a window, as an index into the (2w-1)^2 table.
at::Tensor relative_position_index(int64_t window) {
  const int64_t n = window * window, side = 2 * window - 1;
  auto index = at::empty({n * n}, at::kLong);
  auto* out = index.data_ptr<int64_t>();
  for (int64_t a = 0; a < n; ++a) {
    for (int64_t b = 0; b < n; ++b) {
      const int64_t dh = a / window - b / window + window - 1;
      const int64_t dw = a % window - b % window + window - 1;
      out[a * n + b] = dh * side + dw;
    }
  }
  return index.to(at::kCUDA);
}

// The reference's mask for shifted windows: tokens of a window that came from different image
// regions after the roll (3x3 regions cut at -window and -shift) may not attend to each other.
at::Tensor shifted_window_mask(int64_t resolution, int64_t window, int64_t shift) {
  auto region = [&](int64_t i) {
    return i < resolution - window ? 0 : (i < resolution - shift ? 1 : 2);
  };
  const int64_t per_side = resolution / window, n = window * window;
  auto mask = at::zeros({per_side * per_side, n, n}, at::kFloat);
  auto acc = mask.accessor<float, 3>();
  for (int64_t w = 0; w < per_side * per_side; ++w) {
    auto id = [&](int64_t t) {
      return region((w / per_side) * window + t / window) * 3 +
             region((w % per_side) * window + t % window);
    };
    for (int64_t a = 0; a < n; ++a) {
      for (int64_t b = 0; b < n; ++b) {
        acc[w][a][b] = id(a) == id(b) ? 0.0f : static_cast<float>(kMaskedScore);
      }
    }
  }
  return mask.to(at::kCUDA);
}

Block make_block(Init& init, const Config& c, int64_t dim, int64_t heads, int64_t resolution,
                 bool odd) {
  Block b;
  b.heads = heads;
  b.resolution = resolution;
  b.window = std::min(c.window, resolution);
  b.shift = (odd && resolution > c.window) ? c.window / 2 : 0;
  b.norm1 = Init::norm(dim);
  b.norm2 = Init::norm(dim);
  b.qkv = init.linear(dim, 3 * dim);
  b.proj = init.linear(dim, dim);
  b.fc1 = init.linear(dim, c.mlp_ratio * dim);
  b.fc2 = init.linear(c.mlp_ratio * dim, dim);
  b.bias_table = init.normal({(2 * b.window - 1) * (2 * b.window - 1), heads});
  if (b.shift > 0) b.attn_mask = shifted_window_mask(resolution, b.window, b.shift);
  return b;
}

void for_each_parameter(Model& m, const std::function<void(at::Tensor&)>& fn) {
  auto linear = [&](Linear& l) {
    fn(l.weight);
    if (l.bias.defined()) fn(l.bias);
  };
  auto norm = [&](Norm& n) {
    fn(n.weight);
    fn(n.bias);
  };
  linear(m.patch_embed);
  norm(m.patch_norm);
  for (auto& stage : m.stages) {
    for (auto& b : stage.blocks) {
      norm(b.norm1);
      linear(b.qkv);
      fn(b.bias_table);
      linear(b.proj);
      norm(b.norm2);
      linear(b.fc1);
      linear(b.fc2);
    }
    if (stage.merge.weight.defined()) {
      norm(stage.merge_norm);
      linear(stage.merge);
    }
  }
  norm(m.head_norm);
  linear(m.head);
}

at::Tensor layer_norm(const Recipe& recipe, const at::Tensor& x, const Norm& n) {
  if (!recipe.norm_in_activation_dtype) {
    return at::layer_norm(x, {x.size(-1)}, n.weight, n.bias, 1e-5);
  }
  // Autocast would run LayerNorm in fp32 (a cast in, an fp32 result cast again by the next
  // GEMM); here it reads and writes the bf16 activations, with fp32 statistics inside.
  c10::impl::ExcludeDispatchKeyGuard no_autocast(c10::autocast_dispatch_keyset);
  return at::layer_norm(x, {x.size(-1)}, n.weight.to(x.scalar_type()), n.bias.to(x.scalar_type()),
                        1e-5);
}

at::Tensor linear(const at::Tensor& x, const Linear& l) {
  return at::linear(x, l.weight, l.bias);
}

// (heads, n, n) bias gathered from the table on every forward, as the reference does.
at::Tensor relative_bias(const Model& m, const Block& b) {
  const int64_t n = b.window * b.window;
  return b.bias_table.index_select(0, m.relative_index).view({n, n, -1}).permute({2, 0, 1});
}

// attn_bias for the efficient kernel: (B*nW, heads, n, n), a view into 56-wide rows.
at::Tensor efficient_bias(const Model& m, const Block& b, int64_t batch, at::ScalarType dtype) {
  const int64_t n = b.window * b.window;
  auto bias = relative_bias(m, b).to(dtype).unsqueeze(0);                       // (1, heads, n, n)
  if (b.attn_mask.defined()) bias = bias + b.attn_mask.to(dtype).unsqueeze(1);  // (nW, ...)
  bias = at::constant_pad_nd(bias, {0, kAlignedTokens - n});
  const int64_t windows = (b.resolution / b.window) * (b.resolution / b.window);
  at::Tensor full;
  if (b.attn_mask.defined()) {
    // The kernel indexes the bias by window-batch; a per-window mask cannot be a stride-0 view.
    full = bias.unsqueeze(0)
               .expand({batch, windows, b.heads, n, kAlignedTokens})
               .reshape({batch * windows, b.heads, n, kAlignedTokens});
  } else {
    full = bias.expand({batch * windows, b.heads, n, kAlignedTokens});
  }
  return full.slice(-1, 0, n);
}

// qkv (B*nW, n, 3C) -> (B*nW, n, C) the reference's way, optionally with n padded to 56.
at::Tensor naive_attention(const Model& m, const Block& b, at::Tensor qkv) {
  const int64_t windows_b = qkv.size(0), n = qkv.size(1), dim = qkv.size(2) / 3;
  const int64_t head_dim = dim / b.heads;
  const bool padded = m.recipe.attention == Attention::kNaivePadded;
  const int64_t np = padded ? kAlignedTokens : n;
  at::Tensor bias = relative_bias(m, b).unsqueeze(0);  // (1, heads, n, n)
  at::Tensor mask = b.attn_mask;
  if (padded) {
    qkv = at::constant_pad_nd(qkv, {0, 0, 0, np - n});
    bias = at::constant_pad_nd(bias, {0, np - n, 0, np - n}, kPaddedKeyScore);
    if (mask.defined()) mask = at::constant_pad_nd(mask, {0, np - n, 0, np - n});
  }
  auto parts = qkv.view({windows_b, np, 3, b.heads, head_dim}).permute({2, 0, 3, 1, 4});
  auto q = parts[0] * (1.0 / std::sqrt(static_cast<double>(head_dim)));
  auto scores = at::matmul(q, parts[1].transpose(-2, -1)) + bias;
  if (mask.defined()) {
    const int64_t windows = mask.size(0);
    scores = (scores.view({windows_b / windows, windows, b.heads, np, np}) +
              mask.unsqueeze(1).unsqueeze(0))
                 .view({windows_b, b.heads, np, np});
  }
  auto out = at::matmul(at::softmax(scores, -1), parts[2]);  // (B*nW, heads, np, head_dim)
  if (padded) out = out.slice(2, 0, n);
  return out.transpose(1, 2).reshape({windows_b, n, dim});
}

at::Tensor efficient_attention(const Model& m, const Block& b, const at::Tensor& qkv,
                               int64_t batch) {
  const int64_t windows_b = qkv.size(0), n = qkv.size(1), dim = qkv.size(2) / 3;
  const int64_t head_dim = dim / b.heads;
  // q, k, v stay strided views of the GEMM output: the kernel only needs unit-stride rows.
  auto parts = qkv.view({windows_b, n, 3, b.heads, head_dim});
  auto q = parts.select(2, 0).transpose(1, 2);
  auto k = parts.select(2, 1).transpose(1, 2);
  auto v = parts.select(2, 2).transpose(1, 2);
  at::Tensor bias =
      m.recipe.precomputed_bias ? b.fixed_bias : efficient_bias(m, b, batch, qkv.scalar_type());
  auto result = at::_scaled_dot_product_efficient_attention(
      q, k, v, bias, /*compute_log_sumexp=*/qkv.requires_grad(), 0.0, false,
      1.0 / std::sqrt(static_cast<double>(head_dim)));
  return std::get<0>(result).transpose(1, 2).reshape({windows_b, n, dim});
}

at::Tensor window_attention(const Model& m, const Block& b, const at::Tensor& windows,
                            int64_t batch) {
  auto qkv = linear(windows, b.qkv);
  auto out = m.recipe.attention == Attention::kEfficient ? efficient_attention(m, b, qkv, batch)
                                                         : naive_attention(m, b, qkv);
  return linear(out, b.proj);
}

at::Tensor mlp(const Model& m, const Block& b, const at::Tensor& x) {
  if (!m.recipe.gelu_epilogue) {
    return linear(at::gelu(linear(x, b.fc1)), b.fc2);
  }
  auto rows = x.reshape({-1, x.size(-1)});
  auto hidden = at::_addmm_activation(b.fc1.bias, rows, b.fc1.weight.t(), 1, 1,
                                      /*use_gelu=*/true);
  return linear(hidden.view({x.size(0), x.size(1), -1}), b.fc2);
}

// x + windowed attention of LayerNorm(x); x: (B, H*W, C).
at::Tensor attention_residual(const Model& m, const Block& b, const at::Tensor& x) {
  const int64_t batch = x.size(0), dim = x.size(2), r = b.resolution, w = b.window;
  auto h = layer_norm(m.recipe, x, b.norm1);
  if (m.recipe.fused_window) {
    auto windows = fused_window_partition(h, r, r, w, b.shift);
    return fused_window_merge(window_attention(m, b, windows, batch), x, r, r, w, b.shift);
  }
  auto img = h.view({batch, r, r, dim});
  if (b.shift > 0) img = at::roll(img, {-b.shift, -b.shift}, {1, 2});
  auto windows = img.view({batch, r / w, w, r / w, w, dim})
                     .permute({0, 1, 3, 2, 4, 5})
                     .reshape({-1, w * w, dim});
  auto attn = window_attention(m, b, windows, batch);
  auto back = attn.view({batch, r / w, r / w, w, w, dim})
                  .permute({0, 1, 3, 2, 4, 5})
                  .reshape({batch, r, r, dim});
  if (b.shift > 0) back = at::roll(back, {b.shift, b.shift}, {1, 2});
  return x + back.view({batch, r * r, dim});
}

at::Tensor block_forward(const Model& m, const Block& b, const at::Tensor& x) {
  auto y = attention_residual(m, b, x);
  return y + mlp(m, b, layer_norm(m.recipe, y, b.norm2));
}

// (B, H*W, C) -> (B, H*W/4, 2C): concatenate each 2x2 neighbourhood, normalize, reduce.
at::Tensor patch_merge(const Model& m, const Stage& s, const at::Tensor& x, int64_t resolution) {
  const int64_t batch = x.size(0), dim = x.size(2);
  auto img = x.view({batch, resolution, resolution, dim});
  auto pick = [&](int64_t dh, int64_t dw) {
    return img.slice(1, dh, resolution, 2).slice(2, dw, resolution, 2);
  };
  auto cat = at::cat({pick(0, 0), pick(1, 0), pick(0, 1), pick(1, 1)}, -1)
                 .view({batch, resolution * resolution / 4, 4 * dim});
  return linear(layer_norm(m.recipe, cat, s.merge_norm), s.merge);
}

}  // namespace

Model build_model(const Config& config, uint64_t seed) {
  Init init{at::detail::createCPUGenerator(seed)};
  Model m;
  m.config = config;
  const int64_t c = config.embed_dim;
  m.patch_embed = {init.normal({c, 3, config.patch, config.patch}), init.normal({c})};
  m.patch_norm = Init::norm(c);
  int64_t resolution = config.image / config.patch, dim = c;
  for (size_t s = 0; s < config.depths.size(); ++s) {
    Stage stage;
    for (int64_t i = 0; i < config.depths[s]; ++i) {
      stage.blocks.push_back(make_block(init, config, dim, config.heads[s], resolution, i % 2));
    }
    if (s + 1 < config.depths.size()) {
      stage.merge_norm = Init::norm(4 * dim);
      stage.merge = init.linear(4 * dim, 2 * dim, /*bias=*/false);
      resolution /= 2;
      dim *= 2;
    }
    m.stages.push_back(std::move(stage));
  }
  m.head_norm = Init::norm(dim);
  m.head = init.linear(dim, config.classes);
  m.relative_index = relative_position_index(config.window);
  return m;
}

std::vector<at::Tensor> parameters(Model& model) {
  std::vector<at::Tensor> out;
  for_each_parameter(model, [&](at::Tensor& t) { out.push_back(t); });
  return out;
}

void cast_model(Model& model, at::ScalarType dtype) {
  for_each_parameter(model, [&](at::Tensor& t) { t = t.to(dtype); });
  for (auto& stage : model.stages) {
    for (auto& b : stage.blocks) {
      if (b.attn_mask.defined()) b.attn_mask = b.attn_mask.to(dtype);
    }
  }
}

void precompute_attention_bias(Model& model, int64_t batch) {
  TORCH_CHECK(model.recipe.attention == Attention::kEfficient,
              "precomputed bias is built for the efficient-attention layout");
  for (auto& stage : model.stages) {
    for (auto& b : stage.blocks) {
      b.fixed_bias = efficient_bias(model, b, batch, b.bias_table.scalar_type());
    }
  }
}

at::Tensor forward(const Model& m, const at::Tensor& images) {
  auto x = at::conv2d(images, m.patch_embed.weight, m.patch_embed.bias, m.config.patch);
  x = layer_norm(m.recipe, x.flatten(2).transpose(1, 2), m.patch_norm);  // (B, 3136, 96)
  int64_t resolution = m.config.image / m.config.patch;
  for (const auto& stage : m.stages) {
    for (const auto& b : stage.blocks)
      x = block_forward(m, b, x);
    if (stage.merge.weight.defined()) {
      x = patch_merge(m, stage, x, resolution);
      resolution /= 2;
    }
  }
  x = layer_norm(m.recipe, x, m.head_norm).mean(1);
  return linear(x, m.head);
}

}  // namespace swin
