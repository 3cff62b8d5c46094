// llm_bench: the Llama-style decoder's ladder, following reference_models/common/bench.h.
// A step is one decoded token at batch 1, timed after a prompt of Config::prompt tokens.
#include <c10/core/InferenceMode.h>

#include <iostream>

#include "common/bench.h"
#include "llm/decoder.h"

namespace {

using llm::WeightFormat;

const std::vector<refbench::VariantInfo> kVariants = {
    {"eager", "naive loop: KV cache grown by cat, token and position built on the host, .item()",
     "", ""},
    {"device_side", "position and greedy sample stay on the device: no host sync per token",
     "SYNC-D2H+SYNC-H2D", ""},
    {"static_graph", "static KV cache written in place; the decode step replayed as a CUDA graph",
     "GPU-IDLE", ""},
    {"fused",
     "own kernels: RMSNorm in the GEMV prologue, RoPE + cache write in the QKV GEMV epilogue, "
     "SwiGLU in the gate/up GEMV epilogue, split decode attention, bf16 GEMV with the residual "
     "add; 5 launches per layer, chained with programmatic dependent launch",
     "UNFUSED-ELEMENTWISE", ""},
    {"int8", "int8 weight-only (per-channel scales) with our dequantizing GEMV",
     "MEMORY-BOUND-DECODE", ""},
    {"int4", "int4 weight-only (group 32, scale + zero) with our dequantizing GEMV",
     "MEMORY-BOUND-DECODE", ""},
    {"speculative",
     "speculative decoding: the int8 model drafts 4 tokens, the bf16 model verifies them in one "
     "pass (greedy, exact)",
     "MEMORY-BOUND-DECODE", ""},
};

constexpr uint64_t kSeed = 1234;
constexpr int64_t kCheckSteps = 4;           // decode steps compared with the reference
constexpr double kTolerance = 3e-2;          // bf16 activations (and 8/4-bit weights) against fp32
constexpr double kCopyBandwidthGBps = 3000;  // measured H100 device-to-device copy

struct Inputs {
  at::Tensor prompt, forced;  // int64 on the device; forced: tokens fed in the check steps
};

Inputs make_inputs(const llm::Config& cfg) {
  at::manual_seed(kSeed + 1);
  auto longs = at::device(at::kCUDA).dtype(at::kLong);
  return {at::randint(cfg.vocab, {cfg.prompt}, longs),
          at::randint(cfg.vocab, {kCheckSteps}, longs)};
}

std::unique_ptr<llm::Decoder> make_variant(const std::string& name, const llm::Config& cfg,
                                           const llm::ModelWeights& w, int64_t capacity) {
  if (name == "eager") return llm::make_aten_decoder(cfg, w, llm::AtenLoop::kHostSync, capacity);
  if (name == "device_side")
    return llm::make_aten_decoder(cfg, w, llm::AtenLoop::kDeviceSide, capacity);
  if (name == "static_graph")
    return llm::make_aten_decoder(cfg, w, llm::AtenLoop::kGraph, capacity);
  if (name == "fused") return llm::make_fused_decoder(cfg, w, WeightFormat::kBf16, capacity);
  if (name == "int8") return llm::make_fused_decoder(cfg, w, WeightFormat::kInt8, capacity);
  if (name == "int4") return llm::make_fused_decoder(cfg, w, WeightFormat::kInt4, capacity);
  return llm::make_speculative_decoder(cfg, w, capacity);
}

// The same rows from the fp32 model run over the whole sequence at once.
at::Tensor reference_rows(const llm::Config& cfg, const llm::ModelWeights& w_fp32,
                          const Inputs& in) {
  auto logits = llm::reference_logits(cfg, w_fp32, at::cat({in.prompt, in.forced}));
  return logits.narrow(0, cfg.prompt, kCheckSteps);
}

// Compares the variant with the fp32 model computing with the same (dequantized) weights; for
// quantized variants also reports how far quantization itself moves the logits.
void check(const llm::Config& cfg, const llm::ModelWeights& master, const Inputs& inputs,
           llm::Decoder& decoder, bool quantized, refbench::Result& result) {
  auto got = decoder.forced_logits(inputs.prompt, inputs.forced);
  auto same_weights = reference_rows(cfg, decoder.reference_weights(), inputs);
  result.rel_error = refbench::relative_error(got, same_weights);
  if (!quantized) return;
  auto unquantized = reference_rows(cfg, llm::weights_as(master, at::kFloat), inputs);
  result.extra["quantization_error_vs_fp32"] = refbench::relative_error(same_weights, unquantized);
  result.extra["error_vs_unquantized_fp32"] = refbench::relative_error(got, unquantized);
}

int64_t round_up(int64_t value, int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = refbench::parse_options(argc, argv);
  if (options.list) {
    refbench::print_variants(kVariants);
    return 0;
  }
  const auto& info = refbench::find_variant(kVariants, options.variant);
  if (options.batch > 1) {
    std::cerr << "error: llm_bench decodes at batch 1 only\n";
    return 2;
  }
  c10::InferenceMode inference;
  auto cfg = llm::config_named(options.config);
  // Static caches hold the prompt, the check steps and every warm-up and timed step.
  bool speculative = info.name == "speculative";
  int64_t max_tokens_per_step = speculative ? llm::kDraftTokens : 1;
  int64_t capacity = round_up(
      cfg.prompt + kCheckSteps + (options.warmup + options.iters + 1) * max_tokens_per_step, 256);
  if (capacity > cfg.max_seq) {
    std::cerr << "error: prompt + steps exceed the context of " << cfg.max_seq << "\n";
    return 2;
  }
  auto master = llm::random_weights(cfg, kSeed);
  auto decoder = make_variant(info.name, cfg, master, capacity);
  bool quantized = info.name == "int8" || info.name == "int4";

  refbench::Result result;
  result.model = "llm";
  result.variant = info.name;
  result.config = options.config;
  result.unit = "tokens/s";
  result.tolerance = kTolerance;
  Inputs inputs = make_inputs(cfg);
  check(cfg, master, inputs, *decoder, quantized, result);
  master = {};  // what the decoder does not hold is freed before the peak is measured

  decoder->prefill(inputs.prompt);
  decoder->set_token(inputs.forced.narrow(0, 0, 1));
  refbench::reset_peak_memory();
  result.stats = refbench::time_steps([&] { decoder->step(); }, options.warmup, options.iters);
  result.peak_mib = refbench::peak_memory_mib();

  result.items_per_step = decoder->tokens_per_step();
  double steps_per_s = 1000.0 / result.stats.median_ms;
  double step_gb = decoder->weight_bytes_per_step() / 1e9;
  result.extra["weight_gb_per_token"] = step_gb / result.items_per_step;
  result.extra["weight_gbps"] = step_gb * steps_per_s;
  result.extra["share_of_3tbps_copy"] = step_gb * steps_per_s / kCopyBandwidthGBps;
  result.extra["context_position"] = static_cast<double>(cfg.prompt);
  if (speculative) {
    // Share of the k - 1 drafts that can be accepted (see speculative.cpp), over all steps run.
    result.extra["acceptance_rate"] = (result.items_per_step - 1) / (llm::kDraftTokens - 1);
  }
  return refbench::print_result(result);
}
