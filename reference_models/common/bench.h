// The contract every reference-model binary (`<model>_bench`) follows, so that one runner
// (reference_models/run_ladder.py) can build, time, profile and tabulate any ladder:
//
//   <model>_bench --list                       one JSON line per variant, in ladder order
//   <model>_bench --variant NAME [--config small|full] [--batch N] [--warmup N] [--iters N]
//                                              times NAME, checks it against the fp32 baseline,
//                                              and prints one "RESULT {json}" line
//
// Each timed iteration is one step: one token for a decoder, one batch for an encoder or a
// training step. Steps are wrapped in NVTX ranges "step#N" so that `perfadvise analyze --steps`
// finds exactly the iterations that were timed.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace refbench {

struct Options {
  std::string variant;           // empty with --list
  std::string config = "small";  // "small": the whole ladder in under a minute; "full": published
  int batch = 0;                 // 0: the model's default for the config
  int warmup = 5;
  int iters = 20;
  bool list = false;
};

// Parses argv; on a bad or missing flag prints one line to stderr and exits with code 2.
Options parse_options(int argc, char** argv);

struct VariantInfo {
  std::string name;          // selectable with --variant
  std::string change;        // the one fix this variant applies on top of the previous one
  std::string motivated_by;  // rule id of the finding that motivates it ("" for the baseline)
  std::string ladder;        // binaries with two ladders (inference, training) name each one;
                             // the runner restarts the speedup chain where this changes
};

// Prints the ladder for --list, one JSON object per line.
void print_variants(const std::vector<VariantInfo>& variants);

// Returns the variant named `name`, or prints the known names and exits with code 2.
const VariantInfo& find_variant(const std::vector<VariantInfo>& variants, const std::string& name);

struct Stats {
  double median_ms = 0, p10_ms = 0, p90_ms = 0, min_ms = 0, max_ms = 0;
  int iters = 0;
};

// Runs `step` `warmup` times, then `iters` times, each timed with CUDA events on the current
// stream and wrapped in an NVTX range "step#i". Synchronizes once at the end, so the host is
// free to run ahead of the GPU exactly as the variant allows.
Stats time_steps(const std::function<void()>& step, int warmup, int iters);

void reset_peak_memory();
double peak_memory_mib();  // peak bytes allocated by the CUDA caching allocator, in MiB

// ||got - ref|| / ||ref|| computed in fp32, whatever the dtypes.
double relative_error(const at::Tensor& got, const at::Tensor& ref);

struct Result {
  std::string model, variant, config;
  int batch = 1;
  double items_per_step = 1;  // tokens or images produced by one step
  std::string unit;           // "tokens/s", "images/s", ...
  Stats stats;
  double peak_mib = 0;
  double rel_error = 0;                 // against the fp32 baseline on the same inputs
  double tolerance = 0;                 // the bound this variant is held to
  std::map<std::string, double> extra;  // model-specific numbers (e.g. weight GB/s)
};

// Prints "RESULT {json}" on stdout (throughput = items_per_step / median step time) and, when
// rel_error exceeds tolerance, a line on stderr. Returns the process exit code: 0, or 1 when the
// variant is wrong.
int print_result(const Result& result);

// Name of the current GPU with spaces replaced, e.g. "NVIDIA-H100-80GB-HBM3".
std::string gpu_name();

}  // namespace refbench
