// llm_gemv_bench: our GEMV kernels against the ATen ops they replace, on the full model's
// shapes at batch 1: bf16 vs at::linear (cuBLAS), int8 vs at::_weight_int8pack_mm, int4 g32 vs
// at::_weight_int4pack_mm. Each measurement cycles over enough copies of the weight that they
// do not fit in the 50 MB L2, so the bandwidth is HBM's. Prints a Markdown table.
//   llm_gemv_bench [--reps N] [--sweep]   (--sweep: also the other kernel settings)
#include <ATen/cuda/CUDAContext.h>
#include <c10/core/InferenceMode.h>
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "common/bench.h"
#include "llm/model.h"

namespace {

using llm::QuantLinear;
using llm::WeightFormat;

constexpr double kWorkingSetBytes = 256e6;  // > 5× L2

// Mean microseconds per call of launch(i), i cycling over `copies`, after one pass of warm-up.
double time_us(const std::function<void(int)>& launch, int copies, int reps) {
  for (int i = 0; i < copies; ++i)
    launch(i);
  auto stream = at::cuda::getCurrentCUDAStream();
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  cudaEventRecord(start, stream);
  for (int r = 0; r < reps; ++r)
    launch(r % copies);
  cudaEventRecord(stop, stream);
  cudaEventSynchronize(stop);
  float ms = 0;
  cudaEventElapsedTime(&ms, start, stop);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return 1000.0 * ms / reps;
}

// The same int4 values in the layout at::_convert_weight_to_int4pack takes (high nibble first)
// and the scales in at::_weight_int4pack_mm's [K / 32, N, 2].
std::pair<at::Tensor, at::Tensor> aten_int4(const QuantLinear& q) {
  auto values = at::stack({q.data.bitwise_and(15), q.data.bitwise_right_shift(4)}, -1)
                    .view({q.rows, q.cols / 2, 2});
  auto high_first =
      values.select(-1, 0).bitwise_left_shift(4).bitwise_or(values.select(-1, 1)).contiguous();
  return {at::_convert_weight_to_int4pack(high_first, 8), q.scales.transpose(0, 1).contiguous()};
}

// Our kernel's copy i, and a baseline ATen call on the same weights, for one format.
struct Contender {
  std::string name;
  std::function<void(int)> launch;
};

Contender aten_contender(WeightFormat format, const std::vector<QuantLinear>& weights,
                         const at::Tensor& x_bf16) {
  if (format == WeightFormat::kBf16) {
    return {"at::linear", [&weights, x_bf16](int i) { at::linear(x_bf16, weights[i].data); }};
  }
  if (format == WeightFormat::kInt8) {
    auto scales = std::make_shared<std::vector<at::Tensor>>();
    for (const auto& w : weights)
      scales->push_back(w.scales.to(at::kBFloat16));
    return {"at::_weight_int8pack_mm", [&weights, scales, x_bf16](int i) {
              at::_weight_int8pack_mm(x_bf16, weights[i].data, (*scales)[i]);
            }};
  }
  auto packed = std::make_shared<std::vector<std::pair<at::Tensor, at::Tensor>>>();
  for (const auto& w : weights)
    packed->push_back(aten_int4(w));
  return {"at::_weight_int4pack_mm", [packed, x_bf16](int i) {
            at::_weight_int4pack_mm(x_bf16, (*packed)[i].first, llm::kInt4Group,
                                    (*packed)[i].second);
          }};
}

// The kernel settings a row is timed with (see GemvArgs; 0: the format's default): chunks in
// flight per lane and buffer (4 or 8), blocks per SM (2 or 3), column splits of a residual add.
struct Tuning {
  int in_flight = 0, min_blocks = 0, splits = 0;
};

std::string tuning_name(const Tuning& t) {
  if (t.in_flight == 0) return "default";
  std::string name =
      std::to_string(t.in_flight) + " in flight, " + std::to_string(t.min_blocks) + " blocks/SM";
  if (t.splits > 0) name += ", " + std::to_string(t.splits) + " splits";
  return name;
}

// `accumulate`: y += W x, as the model's output and down projections (the residual add), which
// the kernel splits over the columns when there are few rows. One row per tuning; the ATen op is
// timed once per shape.
void bench_shape(int64_t rows, int64_t cols, bool accumulate, WeightFormat format, int reps,
                 const std::vector<Tuning>& tunings) {
  auto master =
      (at::randn({rows, cols}, at::device(at::kCUDA)) / std::sqrt(double(cols))).to(at::kBFloat16);
  auto first = QuantLinear::quantize(master, format);
  int copies = std::max(1, static_cast<int>(kWorkingSetBytes / first.bytes()));
  std::vector<QuantLinear> weights{first};
  // clone(): a bf16 QuantLinear shares its input's storage, and the copies must be distinct.
  for (int i = 1; i < copies; ++i)
    weights.push_back(QuantLinear::quantize(master.clone(), format));
  auto x = at::randn({cols}, at::device(at::kCUDA));
  auto y = at::zeros({rows}, x.options());
  auto stream = at::cuda::getCurrentCUDAStream().stream();
  auto expected = at::matmul(first.dequantized(), x);
  auto baseline = aten_contender(format, weights, x.to(at::kBFloat16).unsqueeze(0));
  double aten_us = time_us(baseline.launch, copies, reps);
  double gb = first.bytes() / 1e9;
  const char* names[] = {"bf16", "int8", "int4 g32"};
  for (const auto& tuning : tunings) {
    auto ours = [&](int i) {
      llm::GemvArgs args;
      args.a = weights[i].view();
      args.x = x.data_ptr<float>();
      args.y = y.data_ptr<float>();
      args.epilogue = accumulate ? llm::Epilogue::kAccumulate : llm::Epilogue::kStore;
      args.chunks_in_flight = tuning.in_flight;
      args.min_blocks = tuning.min_blocks;
      args.splits = accumulate ? tuning.splits : 0;
      llm::gemv(args, stream);
    };
    y.zero_();
    ours(0);  // y was zero: y = W x either way
    double error = refbench::relative_error(y, expected);
    double ours_us = time_us(ours, copies, reps);
    std::printf("| %lld × %lld%s | %s | %s | %.1f | %.0f | %.1e | %s | %.1f | %.0f |\n",
                static_cast<long long>(rows), static_cast<long long>(cols),
                accumulate ? " (+=)" : "", names[static_cast<int>(format)],
                tuning_name(tuning).c_str(), ours_us, gb / ours_us * 1e6, error,
                baseline.name.c_str(), aten_us, gb / aten_us * 1e6);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 200;
  bool sweep = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) reps = std::atoi(argv[++i]);
    if (std::strcmp(argv[i], "--sweep") == 0) sweep = true;
  }
  c10::InferenceMode inference;
  at::manual_seed(0);
  std::printf("GEMV at batch 1 on %s (GB/s = weight + scale bytes / time)\n\n",
              refbench::gpu_name().c_str());
  std::printf(
      "| rows × cols | weights | kernel setting | ours µs | ours GB/s | ours rel. error | ATen op "
      "| "
      "ATen µs | ATen GB/s |\n|---|---|---|---|---|---|---|---|---|\n");
  // QKV, output projection (+ residual), gate or up, down projection (+ residual), LM head.
  const struct {
    int64_t rows, cols;
    bool accumulate;
  } shapes[] = {{12288, 4096, false},
                {4096, 4096, true},
                {11008, 4096, false},
                {4096, 11008, true},
                {32000, 4096, false}};
  for (auto format : {WeightFormat::kBf16, WeightFormat::kInt8, WeightFormat::kInt4}) {
    for (const auto& shape : shapes) {
      std::vector<Tuning> tunings{{}};
      for (int in_flight : {4, 8}) {
        for (int blocks : {2, 3}) {
          if (!sweep) continue;
          if (!shape.accumulate) tunings.push_back({in_flight, blocks, 0});
          for (int splits : {1, 2, 4}) {
            if (shape.accumulate) tunings.push_back({in_flight, blocks, splits});
          }
        }
      }
      bench_shape(shape.rows, shape.cols, shape.accumulate, format, reps, tunings);
    }
  }
  return 0;
}
