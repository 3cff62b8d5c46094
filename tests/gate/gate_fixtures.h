// Synthetic gate inputs: a steady training loop with seeded per-step timing noise.
#pragma once

#include <cstdint>
#include <random>

#include "gate/gate_input.h"

namespace perfadvise::gate::fixtures {

/// Uniform relative noise in [-noise, +noise] around `value`, times (1 + shift).
inline std::vector<double> noisy_samples(size_t steps, uint64_t seed, double value, double noise,
                                         double shift) {
  std::mt19937_64 rng(seed);
  std::vector<double> out;
  for (size_t i = 0; i < steps; ++i) {
    // generate_canonical is specified by the standard; uniform_real_distribution is not.
    const double u = std::generate_canonical<double, 53>(rng);
    out.push_back(value * (1 + shift) * (1 + noise * (2 * u - 1)));
  }
  return out;
}

/// One process of a steady loop: 100 ms steps (70 ms GPU busy, 40 ms GEMM), 812 launches,
/// 2 HtoD copies of 4 MiB, no syncs; timings noisy by +-`noise`, shifted by `shift`.
inline GateInput steady_input(size_t steps, uint64_t seed, double shift = 0, double noise = 0.10) {
  GateInput in;
  in.source = "synthetic-" + std::to_string(seed);
  in.environment = {{"gpu", "NVIDIA H100 80GB HBM3"},
                    {"driver", "550.54.15"},
                    {"cupti", "12.4"},
                    {"torch_version", "2.3.0"}};
  in.processes = 1;
  in.steps = steps;
  in.step_method = "NVTX 'ProfilerStep#N'";
  in.timings["wall_ms"] = noisy_samples(steps, seed, 100, noise, shift);
  in.timings["gpu_busy_ms"] = noisy_samples(steps, seed + 1000, 70, noise, shift);
  in.timings["category_ms.gemm"] = noisy_samples(steps, seed + 2000, 40, noise, shift);
  in.counts["kernel_launches"] = {812, 812, 812, 812};
  in.counts["graph_launches"] = {0, 0, 0, 0};
  in.counts["copies.HtoD"] = {2, 2, 2, 2};
  in.counts["bytes.HtoD"] = {4 << 20, 4 << 20, 4 << 20, 4 << 20};
  in.counts["syncs.stream"] = {0, 0, 0, 0};
  return in;
}

}  // namespace perfadvise::gate::fixtures
