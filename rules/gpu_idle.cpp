// GPU-IDLE: the GPU waits for the host inside the steps, not because of a sync (SYNC-* own that
// idle) nor at the step start (DATALOADER-STALL). Launch-bound when most of it is short gaps
// between back-to-back launches (many short kernels): CUDA graphs remove those gaps.
#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "rules/rule_factories.h"
#include "rules/rule_util.h"

namespace perfadvise {
namespace {

constexpr double kMinIdleShare = 0.10;
constexpr double kGraphGapUs = 1.5;  // kernel-to-kernel gap inside a replayed CUDA graph

double mid_step_other(const StepMetrics& m) {
  return std::max(0.0, m.idle_other_ms - m.idle_step_start_ms);
}

class GpuIdleRule final : public Rule {
 public:
  std::string_view id() const override { return "GPU-IDLE"; }
  std::string_view title() const override {
    return "The GPU idles inside the step waiting for the host (launch-bound or Python-bound)";
  }
  Severity severity() const override { return Severity::kWarning; }

  std::vector<Finding> evaluate(const RuleContext& c) const override {
    if (c.per_step().empty()) return {};
    const double step = c.median_step_ms();
    const double launch = c.median_of([](const StepMetrics& m) { return m.idle_launch_gap_ms; });
    const double other = c.median_of(mid_step_other);
    const double kernels = c.median_of([](const StepMetrics& m) { return double(m.kernels); });
    const double busy = c.median_of([](const StepMetrics& m) { return m.gpu_busy_share(); });
    if (step <= 0 || (launch + other) / step < kMinIdleShare) return {};

    const bool launch_bound = launch >= other;
    Finding f = c.make_finding(std::string(id()), severity_for_share((launch + other) / step));
    f.cost_ms_per_step = launch + other;
    if (launch_bound) {
      const double gpu_ms_per_kernel = kernels > 0 ? busy * step / kernels : 0;
      f.title = fmt::format(
          "GPU idle {} of the step: launch-bound ({:.0f} kernels/step averaging {:.1f} us, "
          "{} ms/step in gaps between launches)",
          fmt_pct(1 - busy), kernels, gpu_ms_per_kernel * 1000, fmt_ms(launch));
      f.estimated_saving_ms_per_step = std::max(0.0, launch - kernels * kGraphGapUs / 1000);
      f.estimate_method = fmt::format(
          "the launch gaps ({} ms/step) minus {} us per kernel that a replayed CUDA graph still "
          "leaves between kernels",
          fmt_ms(launch), kGraphGapUs);
      f.fix =
          "capture the step in a CUDA graph: torch.compile(model, mode=\"reduce-overhead\") "
          "or torch.cuda.CUDAGraph / torch.cuda.graphs; fewer, larger kernels also help "
          "(torch.compile fusion, a larger batch)";
      f.confidence = Confidence::kMedium;
    } else {
      f.title = fmt::format(
          "GPU idle {} of the step: {} ms/step of gaps over 100 us while the host works between "
          "GPU ops",
          fmt_pct(1 - busy), fmt_ms(other));
      f.estimated_saving_ms_per_step = other;
      f.estimate_method =
          "upper bound: all mid-step GPU idle that is neither launch gaps nor "
          "caused by a sync; what the host does then is not recorded";
      f.fix =
          "find the host work between GPU ops (py-spy dump / NVTX ranges around Python "
          "blocks) and move it out of the step or overlap it; torch.compile removes Python "
          "overhead between ops";
      f.confidence = Confidence::kLow;
    }
    add_idle_locations(c, f);
    f.evidence_counts["gpu_busy_share"] = busy;
    f.evidence_counts["idle_launch_gap_ms_per_step"] = launch;
    f.evidence_counts["idle_other_mid_step_ms_per_step"] = other;
    f.evidence_counts["kernels_per_step"] = kernels;
    return {f};
  }

 private:
  // The kernels the GPU waited for most often: what runs right after the idle gaps.
  static void add_idle_locations(const RuleContext& c, Finding& f) {
    const Profile& p = c.profile();
    // One location per kernel name, not per gap; its line: where that kernel was launched.
    std::unordered_map<StringId, KernelGroup> by_name;
    TimeNs busy_until = INT64_MIN;
    for (uint32_t i = 0; i < p.kernels.size(); ++i) {
      const Kernel& k = p.kernels[i];
      const TimeNs gap = busy_until == INT64_MIN ? 0 : k.start - busy_until;
      busy_until = std::max(busy_until, k.end);
      if (gap <= 0 || !c.kernel_in_steps(i)) continue;
      by_name[k.name].add(p, i, gap);
    }
    SiteGroups groups;
    for (const auto& [name, group] : by_name) {
      group.add_to(groups, p, "idle before " + short_kernel_name(p.strings[name]));
    }
    groups.fill(f, c.step_count());
    if (f.locations.size() > 8) f.locations.resize(8);
  }
};

}  // namespace

std::unique_ptr<Rule> make_gpu_idle_rule() {
  return std::make_unique<GpuIdleRule>();
}

}  // namespace perfadvise
