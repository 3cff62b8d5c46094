// GEMM-ALIGNMENT: GEMMs with a dimension that is not a multiple of the tensor-core tile width
// (8 elements for fp16/bf16; Swin's 7x7 = 49-token windows) run on slower, padded code paths.
// Needs the GEMM shapes recorded from cuBLAS calls.
#include <algorithm>

#include <fmt/format.h>

#include "rules/gemm_shapes.h"
#include "rules/rule_factories.h"
#include "rules/rule_util.h"

namespace perfadvise {
namespace {

constexpr double kMinShare = 0.03;
constexpr double kMaxSavingShare = 0.5;
constexpr double kAssumedSavingShare = 0.25;

std::string misaligned_dims(const GemmCall& g, int align) {
  std::string out;
  auto add = [&](const char* name, int64_t v) {
    if (v % align == 0) return;
    const int64_t padded = (v + align - 1) / align * align;
    out += fmt::format("{}{} = {} -> {}", out.empty() ? "" : ", ", name, v, padded);
  };
  add("m", g.m), add("n", g.n), add("k", g.k);
  return out;
}

class GemmAlignmentRule final : public Rule {
 public:
  std::string_view id() const override { return "GEMM-ALIGNMENT"; }
  std::string_view title() const override {
    return "GEMM dimensions are not multiples of 8 (tensor-core alignment)";
  }
  Severity severity() const override { return Severity::kWarning; }

  std::vector<Finding> evaluate(const RuleContext& c) const override {
    SiteGroups groups;
    double mis_time = 0, mis_flops = 0, ok_time = 0, ok_flops = 0;
    std::string top_dims;
    TimeNs top_time = 0;
    std::map<std::string, TimeNs> time_by_shape;
    for (const GemmInstance& g : gemms_in_steps(c)) {
      const int align = tensor_core_alignment(g.call->a_type);
      if (align == 0) continue;
      const std::string dims = misaligned_dims(*g.call, align);
      if (dims.empty()) {
        ok_time += double(g.time), ok_flops += g.flops();
        continue;
      }
      mis_time += double(g.time), mis_flops += g.flops();
      Location loc;
      loc.op = fmt::format("{} {} m={} n={} k={} batch={} ({})", c.profile().strings[g.call->api],
                           data_type_name(g.call->a_type), g.call->m, g.call->n, g.call->k,
                           g.call->batch, dims);
      groups.add(loc, g.time, 0, EventRef{EventRef::Table::kKernel, g.first_kernel});
      if ((time_by_shape[dims] += g.time) > top_time)
        top_time = time_by_shape[dims], top_dims = dims;
    }
    const TimeNs all = total_kernel_time(c);
    if (groups.empty() || all == 0 || mis_time / double(all) < kMinShare) return {};
    const double cost = per_step_ms(TimeNs(mis_time), c);
    Finding f = c.make_finding(std::string(id()), severity_for_share(cost / c.median_step_ms()));
    f.cost_ms_per_step = cost;
    const double mis_rate = mis_flops / mis_time, ok_rate = ok_time > 0 ? ok_flops / ok_time : 0;
    if (ok_rate > mis_rate) {
      const double share = std::min(kMaxSavingShare, 1 - mis_rate / ok_rate);
      f.estimated_saving_ms_per_step = cost * share;
      f.estimate_method = fmt::format(
          "measured: misaligned GEMMs reach {:.1f} TFLOP/s, aligned GEMMs in this run {:.1f} "
          "TFLOP/s; saving = their time x (1 - ratio), capped at {:.0f}%",
          mis_rate / 1e3, ok_rate / 1e3, kMaxSavingShare * 100);
      f.confidence = Confidence::kMedium;
    } else {
      f.estimated_saving_ms_per_step = cost * kAssumedSavingShare;
      f.estimate_method =
          "assumed a quarter of the misaligned GEMMs' time (no aligned GEMMs of "
          "comparable type in this run to measure against)";
      f.confidence = Confidence::kLow;
    }
    f.title = fmt::format(
        "{:.0f} GEMMs per step with dimensions off the tensor-core alignment "
        "take {} ms/step",
        double(groups.count()) / c.step_count(), fmt_ms(cost));
    f.fix = fmt::format(
        "pad the dimension to a multiple of 8 ({}), e.g. pad Swin's 7x7 = 49-token "
        "windows to 56 tokens and mask the padding, or round hidden sizes and "
        "vocabularies up to multiples of 64",
        top_dims);
    groups.fill(f, c.step_count());
    return {f};
  }
};

}  // namespace

std::unique_ptr<Rule> make_gemm_alignment_rule() {
  return std::make_unique<GemmAlignmentRule>();
}

}  // namespace perfadvise
