#include "sam/sam_encoder.h"

namespace sam {
namespace {

constexpr double kLayerNormEps = 1e-6;

int64_t padded_size(int64_t size, int64_t window) {
  return (size + window - 1) / window * window;
}

// SAM's window_partition: zero-pad H and W to multiples of the window, then cut into windows.
at::Tensor window_partition(at::Tensor x, int64_t window) {
  int64_t batch = x.size(0), height = x.size(1), width = x.size(2), channels = x.size(3);
  int64_t padded_h = padded_size(height, window), padded_w = padded_size(width, window);
  if (padded_h > height || padded_w > width) {
    x = at::constant_pad_nd(x, {0, 0, 0, padded_w - width, 0, padded_h - height});
  }
  return x.view({batch, padded_h / window, window, padded_w / window, window, channels})
      .permute({0, 1, 3, 2, 4, 5})
      .contiguous()
      .view({-1, window, window, channels});
}

// SAM's window_unpartition: windows back to the (padded) map, padding cropped.
at::Tensor window_unpartition(const at::Tensor& windows, int64_t window, int64_t height,
                              int64_t width) {
  int64_t padded_h = padded_size(height, window), padded_w = padded_size(width, window);
  int64_t batch = windows.size(0) / (padded_h * padded_w / (window * window));
  auto x = windows.view({batch, padded_h / window, padded_w / window, window, window, -1})
               .permute({0, 1, 3, 2, 4, 5})
               .contiguous()
               .view({batch, padded_h, padded_w, -1});
  if (padded_h > height || padded_w > width) {
    x = x.slice(1, 0, height).slice(2, 0, width).contiguous();
  }
  return x;
}

// SAM's LayerNorm2d: normalization over the channel dimension of an NCHW map.
at::Tensor layer_norm_2d(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  auto mean = x.mean(1, /*keepdim=*/true);
  auto var = (x - mean).pow(2).mean(1, /*keepdim=*/true);
  auto y = (x - mean) / at::sqrt(var + kLayerNormEps);
  return weight.view({-1, 1, 1}) * y + bias.view({-1, 1, 1});
}

}  // namespace

SamEncoder::SamEncoder(const SamWeights& w, const SamConfig& config, const ForwardOptions& options)
    : config_(config), options_(options), planner_(std::make_shared<SdpaPlanner>()) {
  auto dtype = options.dtype;
  auto norm = [&](const at::Tensor& weight, const at::Tensor& bias) {
    return Norm{weight.to(dtype), bias.to(dtype)};
  };
  patch_w_ = w.patch_w.to(dtype);
  patch_b_ = w.patch_b.to(dtype);
  pos_embed_ = w.pos_embed.to(dtype);
  for (int64_t i = 0; i < config.depth; ++i) {
    const auto& bw = w.blocks[i];
    Block block;
    block.window = config.is_global(i) ? 0 : config.window;
    block.norm1 = norm(bw.norm1_w, bw.norm1_b);
    block.norm2 = norm(bw.norm2_w, bw.norm2_b);
    int64_t size = block.window == 0 ? config.grid() : block.window;
    block.attention = std::make_unique<Attention>(bw, config, size, options, planner_);
    block.fc1 = Linear(bw.fc1_w, bw.fc1_b, dtype, options.gemm, options.fp8_fast_accum);
    block.fc2 = Linear(bw.fc2_w, bw.fc2_b, dtype, options.gemm, options.fp8_fast_accum);
    blocks_.push_back(std::move(block));
  }
  neck_conv1_ = Linear(w.neck_conv1_w.flatten(1), at::Tensor(), dtype, GemmKind::kDense);
  neck_conv1_w_ = w.neck_conv1_w.to(dtype);
  // The fused path keeps the neck channels-last (token rows are NHWC), so cuDNN's NHWC kernels
  // read it without a transpose.
  auto format =
      options.fused_kernels ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
  neck_conv2_w_ = w.neck_conv2_w.to(dtype).contiguous(format);
  neck_ln1_ = norm(w.neck_ln1_w, w.neck_ln1_b);
  neck_ln2_ = norm(w.neck_ln2_w, w.neck_ln2_b);
}

at::Tensor SamEncoder::forward(const at::Tensor& image) const {
  if (options_.fused_kernels) return forward_fused(image);
  auto x = embed(image);
  for (const auto& block : blocks_)
    x = block_unfused(block, x);
  return neck_unfused(x);
}

at::Tensor SamEncoder::embed(const at::Tensor& image) const {
  auto x = at::conv2d(image, patch_w_, patch_b_, {config_.patch, config_.patch});
  return x.permute({0, 2, 3, 1}) + pos_embed_;  // (B, G, G, C)
}

at::Tensor SamEncoder::block_unfused(const Block& block, const at::Tensor& x) const {
  int64_t channels = config_.dim;
  auto h = at::layer_norm(x, {channels}, block.norm1.weight, block.norm1.bias, kLayerNormEps);
  at::Tensor attended;
  if (block.window == 0) {
    attended = (*block.attention)(Rows{h.reshape({-1, channels}), {}}, x.size(0)).view(x.sizes());
  } else {
    auto windows = window_partition(h, block.window);
    auto out = (*block.attention)(Rows{windows.view({-1, channels}), {}}, windows.size(0));
    attended = window_unpartition(out.view(windows.sizes()), block.window, x.size(1), x.size(2));
  }
  auto y = x + attended;
  auto mlp_in = at::layer_norm(y, {channels}, block.norm2.weight, block.norm2.bias, kLayerNormEps);
  return y + block.fc2(at::gelu(block.fc1(mlp_in)));
}

at::Tensor SamEncoder::neck_unfused(const at::Tensor& x) const {
  auto y = at::conv2d(x.permute({0, 3, 1, 2}), neck_conv1_w_);
  y = layer_norm_2d(y, neck_ln1_.weight, neck_ln1_.bias);
  y = at::conv2d(y, neck_conv2_w_, {}, /*stride=*/1, /*padding=*/1);
  return layer_norm_2d(y, neck_ln2_.weight, neck_ln2_.bias);
}

at::Tensor SamEncoder::forward_fused(const at::Tensor& image) const {
  TORCH_CHECK(options_.dtype == at::kBFloat16, "the fused path runs in bf16");
  TokenGrid grid{image.size(0), config_.grid()};
  bool fp8 = options_.gemm == GemmKind::kFp8;
  bool fp8_qkv = fp8 && options_.fp8_attention_linears;  // norm1 quantizes only for an FP8 qkv
  auto x = embed(image).contiguous().view({-1, config_.dim});  // the residual stream, token rows
  at::Tensor pending;  // the previous block's MLP output, added by the next LayerNorm kernel
  for (const auto& block : blocks_) {
    int64_t squares = block.window == 0
                          ? grid.batch
                          : layout_rows(grid, block.window) / (block.window * block.window);
    auto normed = add_layernorm(x, pending, 0, block.norm1.weight, block.norm1.bias, block.window,
                                grid, fp8_qkv);
    auto attended = (*block.attention)(normed, squares);
    auto mlp_in = add_layernorm(x, attended, block.window, block.norm2.weight, block.norm2.bias, 0,
                                grid, fp8);
    pending = block.fc2(block.fc1.gelu(mlp_in));
  }
  x.add_(pending);
  return neck_fused(x, grid);
}

at::Tensor SamEncoder::neck_fused(at::Tensor& rows, const TokenGrid& grid) const {
  auto y = neck_conv1_(rows);
  auto normed = add_layernorm(y, {}, 0, neck_ln1_.weight, neck_ln1_.bias, 0, grid, false).data;
  auto map = normed.view({grid.batch, grid.grid, grid.grid, -1}).permute({0, 3, 1, 2});
  auto conv = at::conv2d(map, neck_conv2_w_, {}, /*stride=*/1, /*padding=*/1);
  auto conv_rows = conv.permute({0, 2, 3, 1}).contiguous().view({-1, config_.neck_dim});
  auto out = add_layernorm(conv_rows, {}, 0, neck_ln2_.weight, neck_ln2_.bias, 0, grid, false).data;
  return out.view({grid.batch, grid.grid, grid.grid, -1}).permute({0, 3, 1, 2});
}

}  // namespace sam
