// The two Swin-T ladders run by swin_bench: inference (batch 64 in the full configuration) and a
// training step (forward, cross-entropy on random labels, backward, AdamW).
#pragma once

#include <vector>

#include "common/bench.h"
#include "swin/model.h"

namespace swin {

constexpr uint64_t kWeightSeed = 1234;
constexpr uint64_t kInputSeed = 42;

struct InferenceVariant {
  refbench::VariantInfo info;
  at::ScalarType dtype = at::kFloat;  // of weights and activations
  Recipe recipe;
  bool cuda_graph = false;  // replay one captured forward per step
};

struct TrainingVariant {
  refbench::VariantInfo info;
  bool autocast_bf16 = false;  // bf16 autocast for the forward, TF32 for what stays fp32
  bool fused_adamw = false;    // at::_fused_adamw_ instead of torch::optim::AdamW
  Recipe recipe;
  bool cuda_graph = false;  // forward, backward and optimizer captured once, replayed per step
};

std::vector<InferenceVariant> inference_ladder();
std::vector<TrainingVariant> training_ladder();

int run_inference(const InferenceVariant& variant, const refbench::Options& options);
int run_training(const TrainingVariant& variant, const refbench::Options& options);

// Batch for the configuration: 8 (small) or 64 (full) unless --batch is given.
int64_t batch_size(const refbench::Options& options);

// Random images (B, 3, 224, 224), fp32 on the GPU, from kInputSeed.
at::Tensor random_images(int64_t batch);

}  // namespace swin
