// FP32-GEMM: GEMMs in full fp32 on CUDA cores (no TF32, no bf16/fp16 tensor cores) take a large
// share of GPU time. Classified by kernel name in the taxonomy (sgemm, f32f32_f32f32 xmma).
#include <algorithm>

#include <fmt/format.h>

#include "rules/gemm_shapes.h"
#include "rules/rule_factories.h"
#include "rules/rule_util.h"

namespace perfadvise {
namespace {

constexpr double kMinShare = 0.10;
constexpr double kMaxSpeedup = 4.0;  // real GEMMs fall short of the peak ratio
// Measured on H100 (shared/docs/gpu-facts.md) when the device table has no peaks.
constexpr double kDefaultFp32OverTf32 = 52.0 / 400.0;

class Fp32GemmRule final : public Rule {
 public:
  std::string_view id() const override { return "FP32-GEMM"; }
  std::string_view title() const override {
    return "fp32 GEMMs without tensor cores dominate GPU time";
  }
  Severity severity() const override { return Severity::kWarning; }

  std::vector<Finding> evaluate(const RuleContext& c) const override {
    const TimeNs all = total_kernel_time(c);
    KernelGroups g = group_kernels(c, [&](const Kernel& k) {
      const KernelClass& kc = c.kernel_class(k);
      return kc.category == KernelCategory::kGemm && kc.dtype == KernelDtype::kFp32 &&
             !kc.tensor_cores;
    });
    if (all == 0 || double(g.total) / double(all) < kMinShare) return {};
    const double cost = per_step_ms(g.total, c);
    const Device& d = c.device();
    const double ratio = d.peak_fp32_flops > 0 && d.peak_bf16_flops > 0
                             ? d.peak_fp32_flops / (d.peak_bf16_flops / 2)
                             : kDefaultFp32OverTf32;
    const double speedup = std::min(kMaxSpeedup, 1 / ratio);
    const double share = double(g.total) / double(all);
    Finding f = c.make_finding(std::string(id()), severity_for_share(cost / c.median_step_ms()));
    f.cost_ms_per_step = cost;
    f.estimated_saving_ms_per_step = cost * (1 - 1 / speedup);
    f.estimate_method = fmt::format(
        "fp32 GEMM time x (1 - 1/speedup), speedup = TF32 peak / fp32 peak of the device "
        "({:.1f}x), capped at {:.0f}x because real GEMMs fall short of peak",
        1 / ratio, kMaxSpeedup);
    f.title = fmt::format("fp32 GEMMs on CUDA cores take {} ms/step ({} of GPU kernel time)",
                          fmt_ms(cost), fmt_pct(share));
    f.fix =
        "let matmuls use tensor cores: torch.set_float32_matmul_precision(\"high\") (TF32), "
        "or run the model under torch.autocast(\"cuda\", dtype=torch.bfloat16)";
    f.confidence = Confidence::kMedium;
    if (!c.profile().kernel_gemm.empty()) {
      // Recorded GEMM shapes: name each GEMM by its op and shape rather than its kernel.
      const Profile& p = c.profile();
      g.groups = group_by_gemm(c, [&](uint32_t k) {
        const KernelClass& kc = c.kernel_class(p.kernels[k]);
        return kc.category == KernelCategory::kGemm && kc.dtype == KernelDtype::kFp32 &&
               !kc.tensor_cores;
      });
    }
    g.groups.fill(f, c.step_count());
    f.evidence_counts["share_of_kernel_time"] = share;
    return {f};
  }
};

}  // namespace

std::unique_ptr<Rule> make_fp32_gemm_rule() {
  return std::make_unique<Fp32GemmRule>();
}

}  // namespace perfadvise
