#include "common/bench.h"

#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <cuda_runtime.h>
#include <nvtx3/nvToolsExt.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace refbench {
namespace {

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "error: " << message
            << " (usage: --list | --variant NAME [--config small|full] [--batch N] [--warmup N]"
               " [--iters N])\n";
  std::exit(2);
}

int parse_int(const std::string& flag, const char* text) {
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < 0 || value > 1000000) {
    usage_error(flag + " needs a non-negative integer, got '" + text + "'");
  }
  return static_cast<int>(value);
}

double percentile(std::vector<double> sorted, double q) {
  if (sorted.empty()) return 0;
  double pos = q * static_cast<double>(sorted.size() - 1);
  auto lo = static_cast<size_t>(pos);
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;  // names and changes are single lines
    out += c;
  }
  return out + "\"";
}

std::string json_number(double value) {
  std::ostringstream out;
  out.precision(6);
  out << value;
  return out.str();
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--list") {
      options.list = true;
      continue;
    }
    if (i + 1 >= argc) usage_error(flag + " needs a value");
    const char* value = argv[++i];
    if (flag == "--variant") {
      options.variant = value;
    } else if (flag == "--config") {
      options.config = value;
      if (options.config != "small" && options.config != "full") {
        usage_error("--config is small or full, got '" + options.config + "'");
      }
    } else if (flag == "--batch") {
      options.batch = parse_int(flag, value);
    } else if (flag == "--warmup") {
      options.warmup = parse_int(flag, value);
    } else if (flag == "--iters") {
      options.iters = parse_int(flag, value);
    } else {
      usage_error("unknown flag '" + flag + "'");
    }
  }
  if (!options.list && options.variant.empty()) usage_error("--variant or --list is required");
  if (!options.list && options.iters == 0) usage_error("--iters must be at least 1");
  return options;
}

void print_variants(const std::vector<VariantInfo>& variants) {
  for (const auto& v : variants) {
    std::cout << "{\"name\": " << json_string(v.name) << ", \"change\": " << json_string(v.change)
              << ", \"motivated_by\": " << json_string(v.motivated_by)
              << ", \"ladder\": " << json_string(v.ladder) << "}\n";
  }
}

const VariantInfo& find_variant(const std::vector<VariantInfo>& variants, const std::string& name) {
  for (const auto& v : variants) {
    if (v.name == name) return v;
  }
  std::string known;
  for (const auto& v : variants)
    known += (known.empty() ? "" : ", ") + v.name;
  usage_error("unknown variant '" + name + "'; known: " + known);
}

Stats time_steps(const std::function<void()>& step, int warmup, int iters) {
  for (int i = 0; i < warmup; ++i)
    step();
  // Events are created before the loop so that their creation is not part of any step.
  std::vector<cudaEvent_t> starts(iters), stops(iters);
  for (int i = 0; i < iters; ++i) {
    cudaEventCreate(&starts[i]);
    cudaEventCreate(&stops[i]);
  }
  for (int i = 0; i < iters; ++i) {
    std::string range = "step#" + std::to_string(i);
    nvtxRangePushA(range.c_str());
    cudaEventRecord(starts[i], at::cuda::getCurrentCUDAStream());
    step();
    cudaEventRecord(stops[i], at::cuda::getCurrentCUDAStream());
    nvtxRangePop();
  }
  at::cuda::device_synchronize();
  std::vector<double> ms;
  ms.reserve(iters);
  for (int i = 0; i < iters; ++i) {
    float elapsed = 0;
    cudaEventElapsedTime(&elapsed, starts[i], stops[i]);
    ms.push_back(elapsed);
    cudaEventDestroy(starts[i]);
    cudaEventDestroy(stops[i]);
  }
  std::sort(ms.begin(), ms.end());
  Stats stats;
  stats.iters = iters;
  stats.median_ms = percentile(ms, 0.5);
  stats.p10_ms = percentile(ms, 0.1);
  stats.p90_ms = percentile(ms, 0.9);
  stats.min_ms = ms.front();
  stats.max_ms = ms.back();
  return stats;
}

void reset_peak_memory() {
  at::cuda::device_synchronize();
  c10::cuda::CUDACachingAllocator::resetPeakStats(at::cuda::current_device());
}

double peak_memory_mib() {
  auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(at::cuda::current_device());
  auto aggregate = static_cast<size_t>(c10::CachingAllocator::StatType::AGGREGATE);
  return static_cast<double>(stats.allocated_bytes[aggregate].peak) / (1024.0 * 1024.0);
}

double relative_error(const at::Tensor& got, const at::Tensor& ref) {
  auto g = got.detach().to(at::kFloat);
  auto r = ref.detach().to(at::kFloat);
  double denom = r.norm().item<double>();
  double diff = (g - r).norm().item<double>();
  return denom > 0 ? diff / denom : diff;
}

int print_result(const Result& result) {
  double throughput =
      result.stats.median_ms > 0 ? result.items_per_step * 1000.0 / result.stats.median_ms : 0;
  std::ostringstream out;
  out << "RESULT {\"model\": " << json_string(result.model)
      << ", \"variant\": " << json_string(result.variant)
      << ", \"config\": " << json_string(result.config) << ", \"batch\": " << result.batch
      << ", \"gpu\": " << json_string(gpu_name())
      << ", \"items_per_step\": " << json_number(result.items_per_step)
      << ", \"throughput\": " << json_number(throughput)
      << ", \"unit\": " << json_string(result.unit)
      << ", \"median_ms\": " << json_number(result.stats.median_ms)
      << ", \"p10_ms\": " << json_number(result.stats.p10_ms)
      << ", \"p90_ms\": " << json_number(result.stats.p90_ms)
      << ", \"min_ms\": " << json_number(result.stats.min_ms)
      << ", \"max_ms\": " << json_number(result.stats.max_ms)
      << ", \"iters\": " << result.stats.iters << ", \"peak_mib\": " << json_number(result.peak_mib)
      << ", \"rel_error\": " << json_number(result.rel_error)
      << ", \"tolerance\": " << json_number(result.tolerance)
      << ", \"correct\": " << (result.rel_error <= result.tolerance ? "true" : "false")
      << ", \"extra\": {";
  bool first = true;
  for (const auto& [key, value] : result.extra) {
    out << (first ? "" : ", ") << json_string(key) << ": " << json_number(value);
    first = false;
  }
  out << "}}";
  std::cout << out.str() << std::endl;
  if (result.rel_error > result.tolerance) {
    std::cerr << "error: " << result.model << "/" << result.variant
              << " differs from the fp32 baseline: "
              << "relative error " << result.rel_error << " > " << result.tolerance << "\n";
    return 1;
  }
  return 0;
}

std::string gpu_name() {
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, at::cuda::current_device()) != cudaSuccess) return "unknown";
  std::string name = prop.name;
  std::replace(name.begin(), name.end(), ' ', '-');
  return name;
}

}  // namespace refbench
