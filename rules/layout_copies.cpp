// LAYOUT-COPIES: kernels that only move data to another layout (roll, permute + contiguous,
// transpose, cat, pad) take a large share of GPU time (Swin's shifted windows, KV caches built
// with torch.cat).
#include <fmt/format.h>

#include "rules/rule_factories.h"
#include "rules/rule_util.h"

namespace perfadvise {
namespace {

constexpr double kMinShare = 0.10;
constexpr double kAvoidableShare = 0.5;

class LayoutCopiesRule final : public Rule {
 public:
  std::string_view id() const override { return "LAYOUT-COPIES"; }
  std::string_view title() const override {
    return "Copy and layout kernels (roll, permute, contiguous, cat) take a large share";
  }
  Severity severity() const override { return Severity::kWarning; }

  std::vector<Finding> evaluate(const RuleContext& c) const override {
    const TimeNs all = total_kernel_time(c);
    std::map<std::string, TimeNs> by_detail;
    KernelGroups g = group_kernels(c, [&](const Kernel& k) {
      const KernelClass& kc = c.kernel_class(k);
      if (kc.category != KernelCategory::kCopy) return false;
      by_detail[kc.detail] += k.end - k.start;
      return true;
    });
    if (all == 0 || double(g.total) / double(all) < kMinShare) return {};
    const double cost = per_step_ms(g.total, c);
    const double share = double(g.total) / double(all);
    Finding f = c.make_finding(std::string(id()), severity_for_share(cost / c.median_step_ms()));
    f.cost_ms_per_step = cost;
    f.estimated_saving_ms_per_step = cost * kAvoidableShare;
    f.estimate_method =
        "half of the copy kernels' time: layout changes fused into their "
        "producer or consumer disappear, copies that are needed remain";
    f.title = fmt::format("copy and layout kernels take {} ms/step ({} of GPU kernel time)",
                          fmt_ms(cost), fmt_pct(share));
    f.fix = fix_for(by_detail);
    f.confidence = Confidence::kLow;
    g.groups.fill(f, c.step_count());
    for (const auto& [detail, ns] : by_detail) {
      f.evidence_counts["ms_per_step " + detail] = per_step_ms(ns, c);
    }
    return {f};
  }

 private:
  static std::string fix_for(const std::map<std::string, TimeNs>& by_detail) {
    std::vector<std::string> parts;
    auto has = [&](const char* d) { return by_detail.count(d) > 0; };
    if (has("roll")) {
      parts.push_back(
          "torch.roll for shifted windows: fold the shift into the window "
          "partition's indexing (one gather) or let torch.compile fuse roll + "
          "partition");
    }
    if (has("transpose / permute") || has("copy (contiguous / dtype)")) {
      parts.push_back(
          "permute/transpose + .contiguous(): drop .contiguous() where the consumer "
          "accepts strided input, or torch.compile to fuse the layout change into "
          "the producer");
    }
    if (has("cat")) {
      parts.push_back(
          "torch.cat in the loop: preallocate and write into slices (e.g. a static "
          "KV cache) instead of concatenating every step");
    }
    if (parts.empty()) parts.push_back("avoid layout copies: torch.compile fuses them");
    std::string out;
    for (const std::string& p : parts)
      out += (out.empty() ? "" : "; ") + p;
    return out;
  }
};

}  // namespace

std::unique_ptr<Rule> make_layout_copies_rule() {
  return std::make_unique<LayoutCopiesRule>();
}

}  // namespace perfadvise
