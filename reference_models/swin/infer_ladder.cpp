#include <ATen/core/grad_mode.h>
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>

#include "swin/attention_bench.h"
#include "swin/ladders.h"

namespace swin {
namespace {

constexpr double kFp32Tolerance = 1e-4;
constexpr double kBf16Tolerance = 3e-2;

// Captures one call of `step` into `graph` on a side stream (capture cannot use the legacy
// default stream), after warm-up calls that settle cuBLAS workspaces and the allocator.
void capture(at::cuda::CUDAGraph& graph, const std::function<void()>& step) {
  at::cuda::device_synchronize();
  auto stream = at::cuda::getStreamFromPool();
  {
    c10::cuda::CUDAStreamGuard guard(stream);
    for (int i = 0; i < 3; ++i)
      step();
    graph.capture_begin();
    step();
    graph.capture_end();
  }
  at::cuda::device_synchronize();
}

std::map<std::string, double> micro_benchmarks(const std::string& variant) {
  if (variant == "infer_pad56") return gemm_padding_benchmark();
  if (variant == "infer_sdpa") return sdpa_backend_benchmark();
  return {};
}

}  // namespace

int64_t batch_size(const refbench::Options& options) {
  if (options.batch > 0) return options.batch;
  return options.config == "full" ? 64 : 8;
}

at::Tensor random_images(int64_t batch) {
  auto generator = at::detail::createCPUGenerator(kInputSeed);
  return at::randn({batch, 3, 224, 224}, generator, at::kFloat).to(at::kCUDA);
}

std::vector<InferenceVariant> inference_ladder() {
  std::vector<InferenceVariant> ladder;
  InferenceVariant v;
  v.info = {"infer_fp32",
            "fp32 eager, the reference's ops: roll + permute copies, bias gathered per call, "
            "matmul-softmax-matmul attention",
            "", "inference"};
  ladder.push_back(v);
  v.dtype = at::kBFloat16;
  v.info = {"infer_bf16", "bf16 weights and activations", "FP32-GEMM", "inference"};
  ladder.push_back(v);
  v.recipe.attention = Attention::kNaivePadded;
  v.info = {"infer_pad56", "window tokens padded 49 -> 56 for the two batched attention GEMMs",
            "GEMM-ALIGNMENT", "inference"};
  ladder.push_back(v);
  v.recipe.attention = Attention::kEfficient;
  v.info = {"infer_sdpa",
            "memory-efficient SDPA (backend chosen by measurement) with bias+mask as attn_bias "
            "in 56-wide rows",
            "UNFUSED-ATTENTION", "inference"};
  ladder.push_back(v);
  v.recipe.fused_window = true;
  v.info = {"infer_fused_window",
            "own CUDA kernels: roll + window partition, window merge + roll + residual add",
            "LAYOUT-COPIES", "inference"};
  ladder.push_back(v);
  v.recipe.precomputed_bias = true;
  v.info = {"infer_fused_qkv_bias",
            "bias+mask precomputed once per block; the QKV GEMM keeps its bias in the cuBLASLt "
            "epilogue and feeds SDPA through strided views",
            "LAYOUT-COPIES+UNFUSED-ELEMENTWISE", "inference"};
  ladder.push_back(v);
  v.recipe.gelu_epilogue = true;
  v.info = {"infer_gelu_epilogue", "fc1 GEMM + bias + GELU (tanh) in one cuBLASLt epilogue",
            "UNFUSED-ELEMENTWISE", "inference"};
  ladder.push_back(v);
  v.cuda_graph = true;
  v.info = {"infer_graph", "the whole forward captured once and replayed as a CUDA graph",
            "GPU-IDLE", "inference"};
  ladder.push_back(v);
  return ladder;
}

int run_inference(const InferenceVariant& variant, const refbench::Options& options) {
  at::NoGradGuard no_grad;
  const int64_t batch = batch_size(options);
  const at::Tensor images = random_images(batch);
  at::Tensor reference;
  {
    const Model fp32 = build_model(Config{}, kWeightSeed);
    reference = forward(fp32, images);
  }
  Model model = build_model(Config{}, kWeightSeed);
  cast_model(model, variant.dtype);
  model.recipe = variant.recipe;
  if (variant.recipe.precomputed_bias) precompute_attention_bias(model, batch);
  const at::Tensor input = images.to(variant.dtype);

  at::Tensor output;
  std::function<void()> step = [&] { output = forward(model, input); };
  at::cuda::CUDAGraph graph;
  if (variant.cuda_graph) {
    capture(graph, step);
    step = [&] { graph.replay(); };
  }
  refbench::reset_peak_memory();
  refbench::Result result;
  result.stats = refbench::time_steps(step, options.warmup, options.iters);
  result.peak_mib = refbench::peak_memory_mib();
  result.model = "swin";
  result.variant = variant.info.name;
  result.config = options.config;
  result.batch = static_cast<int>(batch);
  result.items_per_step = static_cast<double>(batch);
  result.unit = "images/s";
  result.rel_error = refbench::relative_error(output, reference);
  result.tolerance = variant.dtype == at::kFloat ? kFp32Tolerance : kBf16Tolerance;
  result.extra = micro_benchmarks(variant.info.name);
  return refbench::print_result(result);
}

}  // namespace swin
