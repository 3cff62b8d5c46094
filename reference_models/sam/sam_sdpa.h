// scaled_dot_product_attention with the backend picked by measurement: on the first call for a
// key (one attention shape), every backend that accepts the inputs is timed and the fastest is
// kept for the rest of the process.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <optional>
#include <string>

namespace sam {

// Values as returned by at::_fused_sdp_choice, so that results stay comparable with PyTorch.
enum class SdpBackend { kFlash = 1, kEfficient = 2, kCudnn = 3 };

struct SdpPlan {
  SdpBackend backend = SdpBackend::kCudnn;
  bool pad_value = false;  // v zero-padded to q's head dim (backends that need equal dims)
};

class SdpaPlanner {
 public:
  // q, k (N, H, L, E), v (N, H, L, Ev); returns (N, H, L, Ev).
  at::Tensor run(const std::string& key, const at::Tensor& q, const at::Tensor& k,
                 const at::Tensor& v, const std::optional<at::Tensor>& bias, double scale);
  const std::map<std::string, SdpPlan>& plans() const { return plans_; }

 private:
  SdpPlan choose(const std::string& key, const at::Tensor& q, const at::Tensor& k,
                 const at::Tensor& v, const std::optional<at::Tensor>& bias, double scale);
  std::map<std::string, SdpPlan> plans_;
};

}  // namespace sam
