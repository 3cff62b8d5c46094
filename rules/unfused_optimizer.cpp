// UNFUSED-OPTIMIZER: the optimizer step runs as a long tail of small per-parameter elementwise
// kernels after the last GEMM/convolution of the step, with no multi_tensor_apply (foreach) or
// fused optimizer kernel anywhere: one launch per parameter and per math op.
#include <algorithm>

#include <fmt/format.h>

#include "rules/rule_factories.h"
#include "rules/rule_util.h"

namespace perfadvise {
namespace {

constexpr size_t kMinTailKernels = 60;
constexpr double kMinShare = 0.03;

struct Tail {
  size_t kernels = 0;
  TimeNs wall = 0;
  TimeNs gpu = 0;
  uint32_t first = 0;
};

bool is_math(KernelCategory c) {
  return c == KernelCategory::kElementwise || c == KernelCategory::kReduction;
}

class UnfusedOptimizerRule final : public Rule {
 public:
  std::string_view id() const override { return "UNFUSED-OPTIMIZER"; }
  std::string_view title() const override {
    return "The optimizer launches one small kernel per parameter and op (no foreach/fused)";
  }
  Severity severity() const override { return Severity::kWarning; }

  std::vector<Finding> evaluate(const RuleContext& c) const override {
    if (c.category_time_in_steps(KernelCategory::kOptimizer) > 0) {
      return {};  // foreach or fused optimizer already
    }
    std::vector<Tail> tails;
    for (const Step& s : c.steps().steps)
      tails.push_back(tail_of(c, s));
    size_t with_tail = 0;
    double wall = 0, gpu = 0, kernels = 0;
    for (const Tail& t : tails) {
      if (t.kernels < kMinTailKernels) continue;
      ++with_tail;
      wall += double(t.wall) / 1e6, gpu += double(t.gpu) / 1e6, kernels += double(t.kernels);
    }
    if (tails.empty() || with_tail * 2 < tails.size()) return {};
    const double n = double(tails.size());
    wall /= n, gpu /= n, kernels /= n;
    const double step = c.median_step_ms();
    if (step <= 0 || wall / step < kMinShare) return {};
    Finding f = c.make_finding(std::string(id()), severity_for_share(wall / step));
    f.cost_ms_per_step = wall;
    f.estimated_saving_ms_per_step = (wall - gpu) + gpu / 2;
    f.estimate_method =
        "the launch gaps in the optimizer tail (a foreach/fused optimizer "
        "launches a few kernels for all parameters) plus half its kernel time "
        "(a fused update reads each tensor once)";
    f.title = fmt::format(
        "the optimizer tail runs {:.0f} small elementwise kernels per step "
        "over {} ms/step ({} of the step)",
        kernels, fmt_ms(wall), fmt_pct(wall / step));
    f.fix =
        "use a fused or foreach optimizer: torch.optim.AdamW(params, fused=True) (or "
        "foreach=True); do not pass foreach=False, and avoid per-parameter Python loops "
        "for updates or gradient clipping (torch.nn.utils.clip_grad_norm_ is foreach)";
    f.confidence = Confidence::kLow;
    Location loc;
    loc.op = "optimizer step (tail of the step after the last GEMM)";
    loc.count_per_step = kernels;
    loc.cost_ms_per_step = wall;
    f.locations.push_back(loc);
    for (const Tail& t : tails) {
      if (t.kernels >= kMinTailKernels && f.evidence_events.size() < kMaxEvidenceEvents)
        f.evidence_events.push_back({EventRef::Table::kKernel, t.first});
    }
    f.evidence_counts["tail_kernels_per_step"] = kernels;
    f.evidence_counts["tail_gpu_ms_per_step"] = gpu;
    return {f};
  }

 private:
  // The run of elementwise kernels at the end of the step, after its last GEMM/conv.
  static Tail tail_of(const RuleContext& c, const Step& s) {
    const Profile& p = c.profile();
    auto by_start = [](const Kernel& k, TimeNs t) { return k.start < t; };
    const size_t first =
        size_t(std::lower_bound(p.kernels.begin(), p.kernels.end(), s.start, by_start) -
               p.kernels.begin());
    const size_t last = size_t(
        std::lower_bound(p.kernels.begin(), p.kernels.end(), s.end, by_start) - p.kernels.begin());
    Tail t;
    size_t i = last;
    while (i > first && is_math(c.kernel_class(p.kernels[i - 1]).category))
      --i;
    if (i == last) return t;
    t.kernels = last - i;
    t.first = uint32_t(i);
    t.wall = p.kernels[last - 1].end - p.kernels[i].start;
    for (size_t j = i; j < last; ++j)
      t.gpu += p.kernels[j].end - p.kernels[j].start;
    return t;
  }
};

}  // namespace

std::unique_ptr<Rule> make_unfused_optimizer_rule() {
  return std::make_unique<UnfusedOptimizerRule>();
}

}  // namespace perfadvise
