#include "sam/sam_sdpa.h"

#include <ATen/Context.h>
#include <ATen/cuda/CUDAContext.h>
#include <cuda_runtime.h>

#include <chrono>
#include <iostream>
#include <vector>

namespace sam {
namespace {

const char* name_of(SdpBackend backend) {
  switch (backend) {
    case SdpBackend::kFlash:
      return "flash";
    case SdpBackend::kEfficient:
      return "efficient";
    case SdpBackend::kCudnn:
      return "cudnn";
  }
  return "?";
}

// Enables exactly one SDPA backend while it lives. The flags are process-global, so the previous
// ones are restored on exit.
class OnlyBackend {
 public:
  explicit OnlyBackend(SdpBackend backend) {
    auto& ctx = at::globalContext();
    saved_ = {ctx.userEnabledFlashSDP(), ctx.userEnabledMemEfficientSDP(),
              ctx.userEnabledCuDNNSDP(), ctx.userEnabledMathSDP()};
    set(backend == SdpBackend::kFlash, backend == SdpBackend::kEfficient,
        backend == SdpBackend::kCudnn, false);
  }
  ~OnlyBackend() { set(saved_[0], saved_[1], saved_[2], saved_[3]); }
  OnlyBackend(const OnlyBackend&) = delete;
  OnlyBackend& operator=(const OnlyBackend&) = delete;

 private:
  static void set(bool flash, bool efficient, bool cudnn, bool math) {
    auto& ctx = at::globalContext();
    ctx.setSDPUseFlash(flash);
    ctx.setSDPUseMemEfficient(efficient);
    ctx.setSDPUseCuDNN(cudnn);
    ctx.setSDPUseMath(math);
  }
  std::vector<bool> saved_;
};

at::Tensor attend(const SdpPlan& plan, const at::Tensor& q, const at::Tensor& k,
                  const at::Tensor& v, const std::optional<at::Tensor>& bias, double scale) {
  OnlyBackend only(plan.backend);
  int64_t value_dim = v.size(-1);
  if (!plan.pad_value) {
    return at::scaled_dot_product_attention(q, k, v, bias, 0.0, false, scale);
  }
  auto padded = at::constant_pad_nd(v, {0, q.size(-1) - value_dim});
  return at::scaled_dot_product_attention(q, k, padded, bias, 0.0, false, scale)
      .narrow(-1, 0, value_dim);
}

// Milliseconds per call, or a negative number when the backend rejects the inputs.
double time_plan(const SdpPlan& plan, const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                 const std::optional<at::Tensor>& bias, double scale) {
  constexpr int kCalls = 5;
  try {
    attend(plan, q, k, v, bias, scale);
    at::cuda::device_synchronize();
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kCalls; ++i)
      attend(plan, q, k, v, bias, scale);
    at::cuda::device_synchronize();
    std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    return elapsed.count() / kCalls;
  } catch (const std::exception&) {  // c10::Error, or a cuDNN frontend error
    (void)cudaGetLastError();        // a rejected launch leaves a non-sticky error behind
    return -1;
  }
}

}  // namespace

at::Tensor SdpaPlanner::run(const std::string& key, const at::Tensor& q, const at::Tensor& k,
                            const at::Tensor& v, const std::optional<at::Tensor>& bias,
                            double scale) {
  auto it = plans_.find(key);
  if (it == plans_.end()) it = plans_.emplace(key, choose(key, q, k, v, bias, scale)).first;
  return attend(it->second, q, k, v, bias, scale);
}

SdpPlan SdpaPlanner::choose(const std::string& key, const at::Tensor& q, const at::Tensor& k,
                            const at::Tensor& v, const std::optional<at::Tensor>& bias,
                            double scale) {
  std::vector<SdpPlan> candidates = {{SdpBackend::kCudnn, false}, {SdpBackend::kEfficient, false}};
  if (!bias) candidates.push_back({SdpBackend::kFlash, false});  // flash takes no additive bias
  if (q.size(-1) != v.size(-1)) {
    candidates.push_back({SdpBackend::kCudnn, true});
    if (!bias) candidates.push_back({SdpBackend::kFlash, true});
  }
  SdpPlan best;
  double best_ms = -1;
  std::cerr << "sam: attention '" << key << "' " << q.sizes() << ":";
  for (const auto& plan : candidates) {
    double ms = time_plan(plan, q, k, v, bias, scale);
    std::cerr << " " << name_of(plan.backend) << (plan.pad_value ? "+pad" : "") << " "
              << (ms < 0 ? std::string("n/a") : std::to_string(ms) + " ms") << ";";
    if (ms >= 0 && (best_ms < 0 || ms < best_ms)) {
      best = plan;
      best_ms = ms;
    }
  }
  TORCH_CHECK(best_ms >= 0, "no SDPA backend accepts the '", key, "' attention");
  std::cerr << " -> " << name_of(best.backend) << (best.pad_value ? "+pad" : "") << "\n";
  return best;
}

}  // namespace sam
