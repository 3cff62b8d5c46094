// UNFUSED-ATTENTION: attention computed as bmm -> softmax -> bmm (with elementwise ops for the
// scale, mask or dropout in between) instead of one fused attention kernel. The S = QK^T matrix
// is written to and read from memory several times.
#include <fmt/format.h>

#include "rules/gemm_shapes.h"
#include "rules/rule_factories.h"
#include "rules/rule_util.h"

namespace perfadvise {
namespace {

// Ops allowed between the GEMM and the softmax, and after. A run of the same kernel is one op:
// PyTorch splits an elementwise op or a softmax over a tensor of more than 2^31 elements into
// several launches (SAM's global attention at batch 32 has 6.4e9 scores).
constexpr size_t kMaxBetween = 6;
constexpr double kMinShare = 0.05;
constexpr double kFusedSaving = 0.5;

class UnfusedAttentionRule final : public Rule {
 public:
  std::string_view id() const override { return "UNFUSED-ATTENTION"; }
  std::string_view title() const override {
    return "Attention computed as bmm -> softmax -> bmm instead of a fused kernel";
  }
  Severity severity() const override { return Severity::kWarning; }

  std::vector<Finding> evaluate(const RuleContext& c) const override {
    const Profile& p = c.profile();
    SiteGroups groups;
    TimeNs pattern_time = 0;
    for (const GpuTrack& track : p.gpu_tracks) {
      const std::vector<uint32_t>& ks = track.kernels;
      for (size_t i = 0; i < ks.size(); ++i) {
        if (!is(c, ks[i], KernelCategory::kSoftmax) || !c.kernel_in_steps(ks[i])) continue;
        const size_t before = find(c, ks, i, -1), after = find(c, ks, i, +1);
        if (before == SIZE_MAX || after == SIZE_MAX) continue;
        TimeNs t = 0;
        for (size_t j = before; j <= after; ++j)
          t += p.kernels[ks[j]].end - p.kernels[ks[j]].start;
        Location loc;
        loc.op = gemm_description(p, ks[before], "bmm") + " -> " +
                 short_kernel_name(p.strings[p.kernels[ks[i]].name]) + " -> " +
                 gemm_description(p, ks[after], "bmm");
        groups.add(loc, t, 0, EventRef{EventRef::Table::kKernel, ks[i]});
        pattern_time += t;
        i = after;
      }
    }
    const TimeNs all = total_kernel_time(c);
    const double per_step = double(groups.count()) / c.step_count();
    if (all == 0 || per_step < 1 || double(pattern_time) / double(all) < kMinShare) return {};
    const double cost = per_step_ms(pattern_time, c);
    Finding f = c.make_finding(std::string(id()), severity_for_share(cost / c.median_step_ms()));
    f.cost_ms_per_step = cost;
    f.estimated_saving_ms_per_step = cost * kFusedSaving;
    f.estimate_method =
        "half of the time of the matched bmm..softmax..bmm sequences: a fused "
        "kernel never writes the attention matrix to memory (typically 2x or "
        "more; not measured for this model)";
    f.title = fmt::format(
        "{:.0f} unfused attention blocks per step (bmm -> softmax -> bmm) take "
        "{} ms/step ({} of GPU kernel time)",
        per_step, fmt_ms(cost), fmt_pct(double(pattern_time) / double(all)));
    f.fix =
        "call torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=..., "
        "is_causal=...) instead of matmul + softmax + matmul; it picks a flash or "
        "memory-efficient kernel (an additive mask such as Swin's relative position bias "
        "goes in attn_mask)";
    f.confidence = Confidence::kMedium;
    groups.fill(f, c.step_count());
    return {f};
  }

 private:
  static bool is(const RuleContext& c, uint32_t k, KernelCategory cat) {
    return c.kernel_class(c.profile().kernels[k]).category == cat;
  }
  // The nearest GEMM within kMaxBetween ops in `direction`, passing only elementwise ops,
  // copies and the rest of a split softmax.
  static size_t find(const RuleContext& c, const std::vector<uint32_t>& ks, size_t from,
                     int direction) {
    const std::vector<Kernel>& kernels = c.profile().kernels;
    StringId previous = kernels[ks[from]].name;
    size_t ops = 0;
    for (std::ptrdiff_t j = std::ptrdiff_t(from) + direction;
         j >= 0 && j < std::ptrdiff_t(ks.size()); j += direction) {
      const Kernel& k = kernels[ks[size_t(j)]];
      const KernelCategory cat = c.kernel_class(k).category;
      if (cat == KernelCategory::kGemm) return size_t(j);
      if (cat != KernelCategory::kElementwise && cat != KernelCategory::kCopy &&
          cat != KernelCategory::kSoftmax) {
        return SIZE_MAX;
      }
      if (k.name != previous && ++ops > kMaxBetween) return SIZE_MAX;
      previous = k.name;
    }
    return SIZE_MAX;
  }
};

}  // namespace

std::unique_ptr<Rule> make_unfused_attention_rule() {
  return std::make_unique<UnfusedAttentionRule>();
}

}  // namespace perfadvise
