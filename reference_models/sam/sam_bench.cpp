// sam_bench: the SAM image encoder ladder (see README.md and reference_models/common/bench.h).
#include "common/bench.h"
#include "sam/sam_encoder.h"

#include <ATen/Context.h>
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace {

using sam::AttentionKind;
using sam::ForwardOptions;
using sam::GemmKind;

constexpr uint64_t kWeightSeed = 1234;
constexpr uint64_t kImageSeed = 42;
constexpr int64_t kReferenceChunk = 4;  // images per fp32 reference forward, to bound its memory
constexpr int64_t kLadderBatch = 8;     // batch of the variants after batch32
constexpr double kFp32Tolerance = 1e-4;
constexpr double kLowPrecisionTolerance = 3e-2;

struct Variant {
  refbench::VariantInfo info;
  ForwardOptions forward;
  int64_t batch = 1;
  bool graph = false;
};

refbench::VariantInfo info(const char* name, const char* change, const char* motivated_by) {
  refbench::VariantInfo v;
  v.name = name;
  v.change = change;
  v.motivated_by = motivated_by;
  return v;
}

// Each variant is the previous one plus one change.
std::vector<Variant> ladder() {
  std::vector<Variant> v;
  ForwardOptions f;
  f.rel_index_from_cpu = true;
  v.push_back(
      {info("fp32", "fp32, batch 1, SAM's code (rel-pos index from CPU aranges each call)", ""),
       f});
  f.dtype = at::kBFloat16;
  v.push_back({info("bf16", "weights and activations in bfloat16", "FP32-GEMM"), f});
  f.rel_index_from_cpu = false;
  v.push_back(
      {info("device_index", "rel-pos index built on the GPU once: no copy, no wait", "SYNC-H2D"),
       f});
  // No finding asks for batching: GPU-IDLE fires on bf16 but not on device_index (the GPU is
  // busy 96% of the step at batch 1 once the sync is gone). The step comes from issue 9's ladder.
  v.push_back({info("batch8", "8 images per step", ""), f, 8});
  v.push_back({info("batch32", "32 images per step", ""), f, 32});
  f.attention = AttentionKind::kSdpaBias;
  v.push_back({info("sdpa", "scaled_dot_product_attention, rel-pos as attn_mask, backend timed",
                    "UNFUSED-ATTENTION"),
               f, kLadderBatch});
  // GPU-IDLE does not fire on sdpa (busy 99% at batch 8); the graph is issue 9's step 5.
  v.push_back({info("graph", "whole encoder in one CUDA graph, replayed each step", ""), f,
               kLadderBatch, true});
  f.fused_kernels = true;
  v.push_back({info("fused",
                    "our kernels: residual add + LayerNorm + window (un)partition in one pass; "
                    "GELU in the fc1 GEMM epilogue",
                    "UNFUSED-ELEMENTWISE+LAYOUT-COPIES"),
               f, kLadderBatch, true});
  f.attention = AttentionKind::kSdpaFolded;
  v.push_back({info("relpos_fold",
                    "rel-pos terms folded into the attention kernel's QK product: no bias tensor",
                    "UNFUSED-ELEMENTWISE"),
               f, kLadderBatch, true});
  f.attention = AttentionKind::kSdpaFoldedDirect;
  v.push_back({info("fold_copies",
                    "q_ext/k_ext token-major, each piece written once into its slice (no qkv "
                    "permute, no cat, no output permute); rel_h by one strided bmm in place",
                    "LAYOUT-COPIES"),
               f, kLadderBatch, true});
  // FP8 in two steps: the MLP linears (2/3 of the GEMM FLOPs) first, then qkv and proj.
  f.gemm = GemmKind::kFp8;
  f.fp8_attention_linears = false;
  v.push_back({info("fp8_mlp",
                    "fc1/fc2 in FP8 rowwise _scaled_mm (exact accumulation), activation quant in "
                    "our kernels",
                    ""),
               f, kLadderBatch, true});
  f.fp8_attention_linears = true;
  v.push_back({info("fp8", "qkv/proj in FP8 too: every block linear", ""), f, kLadderBatch, true});
  f.gemm = GemmKind::kSparse24;
  v.push_back(
      {info("sparse24",
            "block linears 2:4-pruned via cuSPARSELt (bf16, instead of fp8) on fold_copies", ""),
       f, kLadderBatch, true});
  return v;
}

at::Tensor forward_in_chunks(const sam::SamEncoder& encoder, const at::Tensor& image) {
  std::vector<at::Tensor> outputs;
  for (int64_t i = 0; i < image.size(0); i += kReferenceChunk) {
    outputs.push_back(
        encoder.forward(image.slice(0, i, std::min(i + kReferenceChunk, image.size(0)))));
  }
  return at::cat(outputs);
}

// The fp32 model (SAM's structure, no sync) on the same images; kFakeFp8 gives the fp32
// computation of the FP8 model.
at::Tensor fp32_output(const sam::SamWeights& weights, const sam::SamConfig& config,
                       const at::Tensor& image, GemmKind gemm, bool fp8_attention_linears = true) {
  ForwardOptions options;
  options.gemm = gemm;
  options.fp8_attention_linears = fp8_attention_linears;
  sam::SamEncoder encoder(weights, config, options);
  return forward_in_chunks(encoder, image);
}

// The encoder captured once in a CUDA graph; replay() reruns it on the same input buffer.
class GraphedForward {
 public:
  GraphedForward(const sam::SamEncoder& encoder, const at::Tensor& input) {
    at::cuda::device_synchronize();
    c10::cuda::CUDAStreamGuard guard(c10::cuda::getStreamFromPool());
    encoder.forward(input);  // warm-up off the graph: SDPA backend choice, library plans
    at::cuda::device_synchronize();
    graph_.capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
    output_ = encoder.forward(input);
    graph_.capture_end();
  }
  void replay() { graph_.replay(); }
  const at::Tensor& output() const { return output_; }

 private:
  at::cuda::CUDAGraph graph_;
  at::Tensor output_;
};

void add_planner_choices(const sam::SdpaPlanner& planner, refbench::Result& result) {
  for (const auto& [key, plan] : planner.plans()) {
    result.extra["sdpa_backend_" + key] = static_cast<double>(plan.backend);
    result.extra["sdpa_pad_value_" + key] = plan.pad_value ? 1 : 0;
  }
}

struct References {
  at::Tensor reference;   // what the variant must match
  at::Tensor unmodified;  // the unmodified fp32 model's output
};

// FP8 and 2:4 change the function: such a variant is checked against the fp32 computation of the
// same quantized or pruned model, and its distance to the unmodified model is reported apart.
// For 2:4, `weights` are pruned in place so that the variant runs the same pruned model.
References references_for(const Variant& variant, sam::SamWeights& weights,
                          const sam::SamConfig& config, const at::Tensor& image) {
  References refs;
  refs.unmodified = fp32_output(weights, config, image, GemmKind::kDense);
  refs.reference = refs.unmodified;
  if (variant.forward.gemm == GemmKind::kFp8) {
    refs.reference = fp32_output(weights, config, image, GemmKind::kFakeFp8,
                                 variant.forward.fp8_attention_linears);
  }
  if (variant.forward.gemm == GemmKind::kSparse24) {
    weights = sam::prune_2_4(weights);
    refs.reference = fp32_output(weights, config, image, GemmKind::kDense);
  }
  return refs;
}

struct Timed {
  refbench::Stats stats;
  at::Tensor output;  // of the last step
  double peak_mib = 0;
};

Timed time_variant(const sam::SamEncoder& encoder, const at::Tensor& input, bool graph,
                   const refbench::Options& cli) {
  refbench::reset_peak_memory();
  Timed timed;
  if (graph) {
    GraphedForward graphed(encoder, input);
    timed.stats = refbench::time_steps([&] { graphed.replay(); }, cli.warmup, cli.iters);
    timed.output = graphed.output().clone();
  } else {
    timed.stats =
        refbench::time_steps([&] { timed.output = encoder.forward(input); }, cli.warmup, cli.iters);
  }
  timed.peak_mib = refbench::peak_memory_mib();
  return timed;
}

bool env_is(const char* name, const char* value) {
  const char* set = std::getenv(name);
  return set != nullptr && std::string(set) == value;
}

// SAM_MODEL=vit_h with --config full runs ViT-H (the runner's contract knows only small|full).
sam::SamConfig config_of(const refbench::Options& cli) {
  if (cli.config != "full") return sam::vit_b_small();
  return env_is("SAM_MODEL", "vit_h") ? sam::vit_h() : sam::vit_b();
}

int run(const refbench::Options& cli, Variant variant) {
  at::globalContext().setAllowTF32CuDNN(false);  // fp32 means fp32 (cuBLAS has TF32 off already)
  auto config = config_of(cli);
  // Measurement switches for the FP8 error: SAM_FP8_FAST_ACCUM=1 turns cuBLASLt's fast FP8
  // accumulation on; they change only what the variant runs, never its name in the ladder.
  variant.forward.fp8_fast_accum = env_is("SAM_FP8_FAST_ACCUM", "1");
  int64_t batch = cli.batch > 0 ? cli.batch : variant.batch;
  auto weights = sam::random_weights(config, kWeightSeed);
  auto image = sam::random_image(config, batch, kImageSeed);
  auto refs = references_for(variant, weights, config, image);
  auto encoder = std::make_unique<sam::SamEncoder>(weights, config, variant.forward);
  weights = sam::SamWeights();  // the timed variant holds only its own copy of the weights
  auto input = image.to(variant.forward.dtype);
  image = at::Tensor();
  // SAM_NO_GRAPH=1 runs a graph variant eagerly, to tell a capture failure from a kernel one.
  bool graph = variant.graph && std::getenv("SAM_NO_GRAPH") == nullptr;
  auto timed = time_variant(*encoder, input, graph, cli);

  refbench::Result result;
  result.model = "sam";
  result.variant = variant.info.name;
  result.config = env_is("SAM_MODEL", "vit_h") && cli.config == "full" ? "vit_h" : cli.config;
  result.batch = static_cast<int>(batch);
  result.items_per_step = static_cast<double>(batch);
  result.unit = "images/s";
  result.stats = timed.stats;
  result.peak_mib = timed.peak_mib;
  result.rel_error = refbench::relative_error(timed.output, refs.reference);
  bool fp32 = variant.forward.dtype == at::kFloat;
  result.tolerance = fp32 ? kFp32Tolerance : kLowPrecisionTolerance;
  if (variant.forward.gemm != GemmKind::kDense) {
    result.extra["rel_error_vs_unmodified_fp32"] =
        refbench::relative_error(timed.output, refs.unmodified);
  }
  result.extra["cuda_graph"] = graph ? 1 : 0;
  if (variant.forward.gemm == GemmKind::kFp8) {
    result.extra["fp8_fast_accum"] = variant.forward.fp8_fast_accum ? 1 : 0;
  }
  add_planner_choices(encoder->planner(), result);
  return refbench::print_result(result);
}

}  // namespace

int main(int argc, char** argv) {
  auto cli = refbench::parse_options(argc, argv);
  auto variants = ladder();
  std::vector<refbench::VariantInfo> infos;
  for (const auto& v : variants)
    infos.push_back(v.info);
  if (cli.list) {
    refbench::print_variants(infos);
    return 0;
  }
  const auto& info = refbench::find_variant(infos, cli.variant);
  try {
    return run(cli, variants[&info - infos.data()]);
  } catch (const c10::Error& e) {  // one line, so that the runner's log shows the cause
    std::cerr << "error: sam/" << cli.variant << ": " << e.what_without_backtrace() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: sam/" << cli.variant << ": " << e.what() << "\n";
  }
  return 3;
}
