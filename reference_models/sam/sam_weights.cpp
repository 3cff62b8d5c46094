#include "sam/sam_model.h"

#include <ATen/cuda/CUDAGeneratorImpl.h>

#include <algorithm>

namespace sam {

bool SamConfig::is_global(int64_t block) const {
  return std::find(global_blocks.begin(), global_blocks.end(), block) != global_blocks.end();
}

SamConfig vit_b() {
  return SamConfig{};
}

SamConfig vit_b_small() {
  SamConfig config;
  config.image_size = 512;
  config.depth = 4;
  config.global_blocks = {1, 3};
  return config;
}

SamConfig vit_h() {
  SamConfig config;
  config.dim = 1280;
  config.depth = 32;
  config.heads = 16;
  config.mlp_dim = 5120;
  config.global_blocks = {7, 15, 23, 31};
  return config;
}

namespace {

// Draws tensors from one seeded CUDA generator, in a fixed order.
class Draw {
 public:
  explicit Draw(uint64_t seed) : gen_(at::cuda::detail::createCUDAGenerator()) {
    gen_.set_current_seed(seed);
  }
  at::Tensor normal(at::IntArrayRef sizes, double std, double mean = 0.0) {
    return at::randn(sizes, gen_, at::TensorOptions().device(at::kCUDA)) * std + mean;
  }

 private:
  at::Generator gen_;
};

// Scales follow ViT practice (weights std 0.02). The rel-pos tables, zero-initialized in SAM and
// learned, are drawn with std 0.1 so that they change the result and the checks see them.
BlockWeights random_block(Draw& draw, const SamConfig& c, int64_t block) {
  int64_t rel_len = 2 * (c.is_global(block) ? c.grid() : c.window) - 1;
  BlockWeights w;
  w.norm1_w = draw.normal({c.dim}, 0.1, 1.0);
  w.norm1_b = draw.normal({c.dim}, 0.02);
  w.qkv_w = draw.normal({3 * c.dim, c.dim}, 0.02);
  w.qkv_b = draw.normal({3 * c.dim}, 0.02);
  w.proj_w = draw.normal({c.dim, c.dim}, 0.02);
  w.proj_b = draw.normal({c.dim}, 0.02);
  w.rel_pos_h = draw.normal({rel_len, c.head_dim()}, 0.1);
  w.rel_pos_w = draw.normal({rel_len, c.head_dim()}, 0.1);
  w.norm2_w = draw.normal({c.dim}, 0.1, 1.0);
  w.norm2_b = draw.normal({c.dim}, 0.02);
  w.fc1_w = draw.normal({c.mlp_dim, c.dim}, 0.02);
  w.fc1_b = draw.normal({c.mlp_dim}, 0.02);
  w.fc2_w = draw.normal({c.dim, c.mlp_dim}, 0.02);
  w.fc2_b = draw.normal({c.dim}, 0.02);
  return w;
}

at::Tensor prune_rows_2_4(const at::Tensor& weight) {
  auto groups = weight.view({weight.size(0), -1, 4});
  auto keep = std::get<1>(groups.abs().topk(2, -1));
  return (groups * at::zeros_like(groups).scatter_(-1, keep, 1.0)).view(weight.sizes());
}

}  // namespace

SamWeights random_weights(const SamConfig& c, uint64_t seed) {
  Draw draw(seed);
  SamWeights w;
  w.patch_w = draw.normal({c.dim, 3, c.patch, c.patch}, 0.02);
  w.patch_b = draw.normal({c.dim}, 0.02);
  w.pos_embed = draw.normal({1, c.grid(), c.grid(), c.dim}, 0.02);
  for (int64_t i = 0; i < c.depth; ++i)
    w.blocks.push_back(random_block(draw, c, i));
  w.neck_conv1_w = draw.normal({c.neck_dim, c.dim, 1, 1}, 0.02);
  w.neck_ln1_w = draw.normal({c.neck_dim}, 0.1, 1.0);
  w.neck_ln1_b = draw.normal({c.neck_dim}, 0.02);
  w.neck_conv2_w = draw.normal({c.neck_dim, c.neck_dim, 3, 3}, 0.02);
  w.neck_ln2_w = draw.normal({c.neck_dim}, 0.1, 1.0);
  w.neck_ln2_b = draw.normal({c.neck_dim}, 0.02);
  return w;
}

at::Tensor random_image(const SamConfig& config, int64_t batch, uint64_t seed) {
  Draw draw(seed);
  return draw.normal({batch, 3, config.image_size, config.image_size}, 1.0);
}

SamWeights prune_2_4(const SamWeights& weights) {
  SamWeights pruned = weights;
  for (auto& b : pruned.blocks) {
    b.qkv_w = prune_rows_2_4(b.qkv_w);
    b.proj_w = prune_rows_2_4(b.proj_w);
    b.fc1_w = prune_rows_2_4(b.fc1_w);
    b.fc2_w = prune_rows_2_4(b.fc2_w);
  }
  return pruned;
}

}  // namespace sam
