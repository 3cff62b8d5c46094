#include "swin/attention_bench.h"

#include <ATen/ATen.h>
#include <ATen/cuda/CUDAContext.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <vector>

namespace swin {
namespace {

constexpr int64_t kWindows = 64 * 64;  // batch 64 x 64 windows of stage 1
constexpr int64_t kHeads = 3, kHeadDim = 32, kTokens = 49, kPadded = 56;
constexpr int kIters = 20;

double median_us(const std::function<void()>& fn) {
  for (int i = 0; i < 3; ++i)
    fn();
  cudaStream_t stream = at::cuda::getCurrentCUDAStream();
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  std::vector<double> us;
  for (int i = 0; i < kIters; ++i) {
    cudaEventRecord(start, stream);
    fn();
    cudaEventRecord(stop, stream);
    cudaEventSynchronize(stop);
    float ms = 0;
    cudaEventElapsedTime(&ms, start, stop);
    us.push_back(1000.0 * ms);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(us.begin(), us.end());
  return us[us.size() / 2];
}

// -1 when the backend rejects these inputs (it says why on stderr).
double median_us_or_unsupported(const char* name, const std::function<void()>& fn) {
  try {
    return median_us(fn);
  } catch (const c10::Error& e) {
    std::cerr << "sdpa backend " << name << " unsupported: " << e.what_without_backtrace() << "\n";
    return -1;
  }
}

}  // namespace

std::map<std::string, double> gemm_padding_benchmark() {
  std::map<std::string, double> out;
  const auto options = at::device(at::kCUDA).dtype(at::kBFloat16);
  for (int64_t n : {kTokens, kPadded}) {
    auto q = at::randn({kWindows * kHeads, n, kHeadDim}, options);
    auto k = at::randn({kWindows * kHeads, n, kHeadDim}, options);
    auto p = at::randn({kWindows * kHeads, n, n}, options);
    const std::string tokens = std::to_string(n);
    out["gemm_qk_n" + tokens + "_us"] = median_us([&] { at::bmm(q, k.transpose(1, 2)); });
    out["gemm_pv_n" + tokens + "_us"] = median_us([&] { at::bmm(p, k); });
  }
  out["gemm_pad56_speedup"] = (out["gemm_qk_n49_us"] + out["gemm_pv_n49_us"]) /
                              (out["gemm_qk_n56_us"] + out["gemm_pv_n56_us"]);
  return out;
}

std::map<std::string, double> sdpa_backend_benchmark() {
  std::map<std::string, double> out;
  const auto options = at::device(at::kCUDA).dtype(at::kBFloat16);
  auto q = at::randn({kWindows, kHeads, kTokens, kHeadDim}, options);
  auto k = at::randn_like(q), v = at::randn_like(q);
  // 56-wide rows so that every backend gets a bias it can read without a copy.
  auto bias =
      at::constant_pad_nd(at::randn({1, kHeads, kTokens, kTokens}, options), {0, kPadded - kTokens})
          .slice(-1, 0, kTokens)
          .expand({kWindows, kHeads, kTokens, kTokens});
  const double scale = 1.0 / std::sqrt(static_cast<double>(kHeadDim));
  out["sdpa_default_backend"] = static_cast<double>(at::_fused_sdp_choice(q, k, v, bias));
  out["sdpa_default_us"] =
      median_us_or_unsupported("default", [&] { at::scaled_dot_product_attention(q, k, v, bias); });
  out["sdpa_cudnn_us"] = median_us_or_unsupported(
      "cudnn", [&] { at::_scaled_dot_product_cudnn_attention(q, k, v, bias, false); });
  out["sdpa_efficient_us"] = median_us_or_unsupported(
      "efficient", [&] { at::_scaled_dot_product_efficient_attention(q, k, v, bias, false); });
  out["sdpa_math_us"] = median_us_or_unsupported(
      "math", [&] { at::_scaled_dot_product_attention_math(q, k, v, bias); });
  out["attention_naive_us"] = median_us(
      [&] { at::matmul(at::softmax(at::matmul(q * scale, k.transpose(-2, -1)) + bias, -1), v); });
  return out;
}

}  // namespace swin
