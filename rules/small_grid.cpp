// SMALL-GRID: kernels launched with fewer thread blocks than the GPU has SMs leave SMs empty;
// when they dominate GPU time, the GPU runs far below its capacity.
#include <fmt/format.h>

#include "rules/rule_factories.h"
#include "rules/rule_util.h"

namespace perfadvise {
namespace {

constexpr double kMinShare = 0.20;
constexpr TimeNs kMinKernelNs = 10'000;  // shorter kernels are launch-bound: GPU-IDLE's case

class SmallGridRule final : public Rule {
 public:
  std::string_view id() const override { return "SMALL-GRID"; }
  std::string_view title() const override {
    return "Kernels with fewer blocks than SMs dominate GPU time";
  }
  Severity severity() const override { return Severity::kInfo; }

  std::vector<Finding> evaluate(const RuleContext& c) const override {
    const uint32_t sms = c.device().sm_count;
    if (sms == 0) return {};
    const TimeNs all = total_kernel_time(c);
    double idle_sm_time = 0;  // ns x share of SMs left empty
    KernelGroups g = group_kernels(c, [&](const Kernel& k) {
      const KernelCategory cat = c.kernel_class(k).category;
      if (cat == KernelCategory::kCommunication || k.blocks() >= sms) return false;
      if (k.end - k.start < kMinKernelNs) return false;
      idle_sm_time += double(k.end - k.start) * (1 - double(k.blocks()) / sms);
      return true;
    });
    if (all == 0 || double(g.total) / double(all) < kMinShare) return {};
    const double cost = per_step_ms(g.total, c);
    const double share = double(g.total) / double(all);
    Finding f = c.make_finding(std::string(id()), severity_for_share(cost / c.median_step_ms()));
    f.severity = std::min(f.severity, Severity::kWarning);
    f.cost_ms_per_step = cost;
    f.estimated_saving_ms_per_step = idle_sm_time / 1e6 / c.step_count() / 2;
    f.estimate_method =
        "half of the kernel time weighted by the share of SMs each kernel "
        "leaves empty: more work per launch fills them, but small kernels are "
        "often latency-bound too";
    f.title = fmt::format(
        "kernels using fewer blocks than the {} SMs take {} ms/step ({} of "
        "GPU kernel time)",
        sms, fmt_ms(cost), fmt_pct(share));
    f.fix =
        "give each launch more work: a larger batch, batching small matmuls into one bmm, "
        "torch.compile(mode=\"max-autotune\") for split-K GEMM kernels";
    f.confidence = Confidence::kLow;
    g.groups.fill(f, c.step_count());
    f.evidence_counts["share_of_kernel_time"] = share;
    f.evidence_counts["sm_count"] = sms;
    return {f};
  }
};

}  // namespace

std::unique_ptr<Rule> make_small_grid_rule() {
  return std::make_unique<SmallGridRule>();
}

}  // namespace perfadvise
