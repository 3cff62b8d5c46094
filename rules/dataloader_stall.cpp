// DATALOADER-STALL: the GPU sits idle at the start of most steps while the host prepares the
// next batch (the idle before the step's first GPU op, not caused by a sync).
#include <fmt/format.h>

#include "rules/rule_factories.h"
#include "rules/rule_util.h"

namespace perfadvise {
namespace {

constexpr double kMinShare = 0.05;
constexpr double kMinMs = 0.5;
constexpr double kMinStepsAffected = 0.7;

class DataloaderStallRule final : public Rule {
 public:
  std::string_view id() const override { return "DATALOADER-STALL"; }
  std::string_view title() const override {
    return "The GPU waits at the start of each step while the host prepares data";
  }
  Severity severity() const override { return Severity::kWarning; }

  std::vector<Finding> evaluate(const RuleContext& c) const override {
    if (c.per_step().size() < 2) return {};
    const double step = c.median_step_ms();
    const double stall = c.median_of([](const StepMetrics& m) { return m.idle_step_start_ms; });
    size_t affected = 0;
    for (const StepMetrics& m : c.per_step())
      affected += m.idle_step_start_ms >= kMinMs;
    const double affected_share = double(affected) / double(c.per_step().size());
    if (step <= 0 || stall < kMinMs || stall / step < kMinShare ||
        affected_share < kMinStepsAffected) {
      return {};
    }
    Finding f = c.make_finding(std::string(id()), severity_for_share(stall / step));
    f.cost_ms_per_step = stall;
    f.estimated_saving_ms_per_step = stall;
    f.estimate_method =
        "the median GPU idle from the step's start to its first GPU operation: "
        "a prefetching loader overlaps that time with the previous step";
    f.title = fmt::format(
        "the GPU waits {} ms at the start of {} of steps ({} of the step) "
        "before the first operation",
        fmt_ms(stall), fmt_pct(affected_share), fmt_pct(stall / step));
    const bool copies_input = first_ops_are_uploads(c);
    f.fix =
        "load batches ahead of the GPU: DataLoader(num_workers=N, pin_memory=True, "
        "persistent_workers=True, prefetch_factor=2), move them with "
        ".to(device, non_blocking=True), and keep per-batch CPU work (augmentation, "
        "tokenization) in the workers";
    f.confidence = copies_input ? Confidence::kHigh : Confidence::kMedium;
    f.evidence_counts["steps_affected_share"] = affected_share;
    f.evidence_counts["input_uploads_follow_stall"] = copies_input ? 1 : 0;
    Location loc;
    loc.op = "step start";
    loc.count_per_step = 1;
    loc.cost_ms_per_step = stall;
    f.locations.push_back(loc);
    return {f};
  }

 private:
  // Whether most steps begin with a host-to-device copy (the batch arriving).
  static bool first_ops_are_uploads(const RuleContext& c) {
    const Profile& p = c.profile();
    size_t uploads = 0;
    for (const Step& s : c.steps().steps) {
      auto it = std::lower_bound(p.memcpys.begin(), p.memcpys.end(), s.start,
                                 [](const Memcpy& m, TimeNs t) { return m.start < t; });
      auto k = std::lower_bound(p.kernels.begin(), p.kernels.end(), s.start,
                                [](const Kernel& m, TimeNs t) { return m.start < t; });
      if (it != p.memcpys.end() && it->kind == MemcpyKind::kHtoD && it->start < s.end &&
          (k == p.kernels.end() || it->start <= k->start)) {
        ++uploads;
      }
    }
    return uploads * 2 > c.steps().steps.size();
  }
};

}  // namespace

std::unique_ptr<Rule> make_dataloader_stall_rule() {
  return std::make_unique<DataloaderStallRule>();
}

}  // namespace perfadvise
