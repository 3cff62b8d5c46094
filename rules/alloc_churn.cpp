// ALLOC-CHURN: cudaMalloc / cudaFree (and host-pinned allocations) inside the steps. Each call
// costs tens of microseconds to milliseconds, and cudaFree synchronizes the device. In PyTorch
// it means the caching allocator is bypassed or emptied (empty_cache, ever-changing shapes).
#include <fmt/format.h>

#include "rules/rule_factories.h"
#include "rules/rule_util.h"

namespace perfadvise {
namespace {

constexpr double kMinPerStep = 0.5;

class AllocChurnRule final : public Rule {
 public:
  std::string_view id() const override { return "ALLOC-CHURN"; }
  std::string_view title() const override {
    return "cudaMalloc / cudaFree inside the steady-state steps";
  }
  Severity severity() const override { return Severity::kWarning; }

  std::vector<Finding> evaluate(const RuleContext& c) const override {
    const Profile& p = c.profile();
    std::map<uint32_t, TimeNs> idle_after_free;  // api index -> GPU idle the free caused
    for (const HostBlock& b : c.host_blocks()) {
      if (b.cause == BlockCause::kFree) idle_after_free[b.api] = b.gpu_idle_after;
    }
    SiteGroups groups;
    for (uint32_t i = 0; i < p.api_calls.size(); ++i) {
      const ApiCall& call = p.api_calls[i];
      const ApiKind kind = c.api_kind(call);
      if ((kind != ApiKind::kAlloc && kind != ApiKind::kFree) || !c.in_steps(call.start)) continue;
      const TimeNs duration = call.end - call.start;
      auto it = idle_after_free.find(i);
      const TimeNs saving = kind == ApiKind::kAlloc       ? duration
                            : it == idle_after_free.end() ? 0
                                                          : it->second;
      groups.add(c.locate(call.correlation_id, c.api_name(call)), duration, saving,
                 EventRef{EventRef::Table::kApiCall, i});
    }
    const double per_step = double(groups.count()) / c.step_count();
    if (groups.empty() || per_step < kMinPerStep) return {};
    const double cost = per_step_ms(groups.cost(), c);
    const double step = c.median_step_ms();
    Finding f = c.make_finding(std::string(id()), severity_for_share(step > 0 ? cost / step : 0));
    f.cost_ms_per_step = cost;
    f.estimated_saving_ms_per_step = per_step_ms(groups.saving(), c);
    f.estimate_method =
        "the host time of the allocation calls plus the GPU idle measured after "
        "each cudaFree (which synchronizes the device)";
    f.title = fmt::format("{} allocation calls per step (cudaMalloc/cudaFree) take {} ms/step",
                          fmt_ms(per_step), fmt_ms(cost));
    f.fix =
        "keep allocation out of the loop: in PyTorch remove torch.cuda.empty_cache() from "
        "the step, keep shapes static (pad variable lengths to a few buckets) and set "
        "PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True; in CUDA code allocate once before "
        "the loop (or use cudaMallocAsync with a memory pool)";
    f.confidence = Confidence::kMedium;
    groups.fill(f, c.step_count());
    return {f};
  }
};

}  // namespace

std::unique_ptr<Rule> make_alloc_churn_rule() {
  return std::make_unique<AllocChurnRule>();
}

}  // namespace perfadvise
