#include <ATen/autocast_mode.h>
#include <ATen/core/grad_mode.h>
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/optim/adamw.h>

#include <functional>
#include <memory>

#include "swin/ladders.h"

namespace swin {
namespace {

constexpr double kLr = 5e-4, kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8, kWeightDecay = 0.05;
constexpr int kCheckSteps = 5;  // steps whose losses are compared with the fp32 ladder's
constexpr int kEagerStepsBeforeCapture = 3;  // warm cuBLAS, the allocator and the Adam state
constexpr double kFp32Tolerance = 1e-4;
constexpr double kBf16Tolerance = 3e-2;

// bf16 autocast for one forward, as `with torch.autocast("cuda", torch.bfloat16)`: the cast
// cache is dropped on exit because the optimizer changes the weights after each step.
class AutocastScope {
 public:
  explicit AutocastScope(bool enabled) : enabled_(enabled) {
    if (!enabled_) return;
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCUDA, true);
    at::autocast::increment_nesting();
  }
  ~AutocastScope() {
    if (!enabled_) return;
    at::autocast::set_autocast_enabled(at::kCUDA, false);
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool enabled_;
};

// AdamW either as LibTorch's torch::optim::AdamW (a loop of ~8 small kernels per parameter)
// or as one at::_fused_adamw_ call over all parameters.
class AdamW {
 public:
  AdamW(std::vector<at::Tensor> params, bool fused) : params_(std::move(params)), fused_(fused) {
    if (!fused_) {
      loop_ = std::make_unique<torch::optim::AdamW>(params_, torch::optim::AdamWOptions(kLr)
                                                                 .betas({kBeta1, kBeta2})
                                                                 .eps(kEps)
                                                                 .weight_decay(kWeightDecay));
      return;
    }
    for (const auto& p : params_) {
      exp_avgs_.push_back(at::zeros_like(p));
      exp_avg_sqs_.push_back(at::zeros_like(p));
      steps_.push_back(at::zeros({}, p.options()));
    }
  }

  // Applies the update and drops the gradients (set to none, as zero_grad does by default).
  void step() {
    if (fused_) {
      at::NoGradGuard no_grad;
      std::vector<at::Tensor> grads;
      for (const auto& p : params_)
        grads.push_back(p.grad());
      at::_foreach_add_(steps_, 1);
      at::_fused_adamw_(params_, grads, exp_avgs_, exp_avg_sqs_, {}, steps_, kLr, kBeta1, kBeta2,
                        kWeightDecay, kEps, /*amsgrad=*/false, /*maximize=*/false);
    } else {
      loop_->step();
    }
    for (auto& p : params_)
      p.mutable_grad().reset();
  }

 private:
  std::vector<at::Tensor> params_;
  bool fused_;
  std::unique_ptr<torch::optim::AdamW> loop_;
  std::vector<at::Tensor> exp_avgs_, exp_avg_sqs_, steps_;
};

struct Trainer {
  Model model;
  std::unique_ptr<AdamW> optimizer;
  bool autocast_bf16 = false;

  explicit Trainer(const TrainingVariant& v) : model(build_model(Config{}, kWeightSeed)) {
    model.recipe = v.recipe;
    auto params = parameters(model);
    for (auto& p : params)
      p.requires_grad_(true);
    optimizer = std::make_unique<AdamW>(params, v.fused_adamw);
    autocast_bf16 = v.autocast_bf16;
    at::globalContext().setAllowTF32CuBLAS(v.autocast_bf16);
    at::globalContext().setAllowTF32CuDNN(v.autocast_bf16);
  }

  // One training step; returns the loss without synchronizing.
  at::Tensor step(const at::Tensor& images, const at::Tensor& labels) {
    at::Tensor loss;
    {
      AutocastScope autocast(autocast_bf16);
      loss = at::cross_entropy_loss(forward(model, images), labels);
    }
    loss.backward();
    optimizer->step();
    return loss.detach();
  }
};

at::Tensor random_labels(int64_t batch, int64_t classes) {
  auto generator = at::detail::createCPUGenerator(kInputSeed + 1);
  return at::randint(classes, {batch}, generator, at::kLong).to(at::kCUDA);
}

// Runs the first kCheckSteps training steps (all on the same batch) and returns their losses;
// `step` is left ready to run one more step and return its loss. With a CUDA graph, the first
// steps run eagerly on the capture stream, one step is captured (capture executes nothing), and
// the remaining checked steps are graph replays, so the check covers the replayed graph.
at::Tensor start_training(const TrainingVariant& variant, Trainer& trainer,
                          const at::Tensor& images, const at::Tensor& labels,
                          at::cuda::CUDAGraph& graph, std::function<at::Tensor()>& step) {
  step = [t = &trainer, images, labels] { return t->step(images, labels); };
  std::vector<at::Tensor> losses;
  if (variant.cuda_graph) {
    at::cuda::device_synchronize();
    c10::cuda::CUDAStreamGuard guard(at::cuda::getStreamFromPool());
    for (int i = 0; i < kEagerStepsBeforeCapture; ++i)
      losses.push_back(step().to(at::kFloat));
    graph.capture_begin();
    at::Tensor static_loss = step();
    graph.capture_end();
    step = [g = &graph, static_loss] {
      g->replay();
      return static_loss;
    };
  }
  at::cuda::device_synchronize();
  while (losses.size() < kCheckSteps)
    losses.push_back(step().to(at::kFloat, /*non_blocking=*/false, /*copy=*/true));
  return at::stack(losses).cpu();
}

}  // namespace

std::vector<TrainingVariant> training_ladder() {
  std::vector<TrainingVariant> ladder;
  TrainingVariant v;
  v.info = {"train_fp32",
            "fp32 training step: reference ops, cross-entropy on random labels, "
            "torch::optim::AdamW (per-parameter kernels)",
            "", "training"};
  ladder.push_back(v);
  v.autocast_bf16 = true;
  v.info = {"train_bf16", "bf16 autocast for the forward, TF32 for the remaining fp32 GEMMs",
            "FP32-GEMM", "training"};
  ladder.push_back(v);
  v.fused_adamw = true;
  v.recipe.norm_in_activation_dtype = true;
  v.info = {"train_fused_ln_adamw",
            "LayerNorm on bf16 activations (no autocast fp32 round trip) + at::_fused_adamw_",
            "UNFUSED-OPTIMIZER+UNFUSED-ELEMENTWISE", "training"};
  ladder.push_back(v);
  v.recipe.fused_window = true;
  v.info = {"train_fused_window",
            "own CUDA window kernels (forward and backward) as a C++ autograd Function",
            "LAYOUT-COPIES", "training"};
  ladder.push_back(v);
  v.recipe.attention = Attention::kEfficient;
  v.info = {"train_sdpa", "memory-efficient SDPA attention (forward and backward) with bias+mask",
            "UNFUSED-ATTENTION", "training"};
  ladder.push_back(v);
  v.cuda_graph = true;
  v.info = {"train_graph",
            "forward, backward and fused AdamW captured once as a CUDA graph and replayed",
            "GPU-IDLE", "training"};
  ladder.push_back(v);
  return ladder;
}

int run_training(const TrainingVariant& variant, const refbench::Options& options) {
  const int64_t batch = batch_size(options);
  const at::Tensor images = random_images(batch);
  const at::Tensor labels = random_labels(batch, Config{}.classes);
  at::Tensor reference_losses;
  {
    const TrainingVariant baseline = training_ladder().front();
    Trainer fp32(baseline);
    at::cuda::CUDAGraph unused;
    std::function<at::Tensor()> fp32_step;
    reference_losses = start_training(baseline, fp32, images, labels, unused, fp32_step);
  }
  Trainer trainer(variant);
  at::cuda::CUDAGraph graph;
  std::function<at::Tensor()> step;
  const at::Tensor losses = start_training(variant, trainer, images, labels, graph, step);

  refbench::reset_peak_memory();
  refbench::Result result;
  result.stats = refbench::time_steps([&] { step(); }, options.warmup, options.iters);
  result.peak_mib = refbench::peak_memory_mib();
  result.model = "swin";
  result.variant = variant.info.name;
  result.config = options.config;
  result.batch = static_cast<int>(batch);
  result.items_per_step = static_cast<double>(batch);
  result.unit = "images/s";
  result.rel_error = refbench::relative_error(losses, reference_losses);
  result.tolerance = variant.autocast_bf16 ? kBf16Tolerance : kFp32Tolerance;
  result.extra["loss_first"] = losses[0].item<double>();
  result.extra["loss_last"] = losses[kCheckSteps - 1].item<double>();
  result.extra["fp32_loss_last"] = reference_losses[kCheckSteps - 1].item<double>();
  return refbench::print_result(result);
}

}  // namespace swin
