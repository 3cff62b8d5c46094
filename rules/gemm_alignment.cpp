// GEMM-ALIGNMENT: GEMMs with a dimension that is not a multiple of the tensor-core tile width
// (8 elements for fp16/bf16; Swin's 7x7 = 49-token windows) run on slower, padded code paths.
// Needs the GEMM shapes recorded from cuBLAS calls (perfadvise run records them by default).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "rules/gemm_shapes.h"
#include "rules/rule_factories.h"
#include "rules/rule_util.h"

namespace perfadvise {
namespace {

constexpr double kMinShare = 0.03;
constexpr double kMaxSavingShare = 0.5;
constexpr double kAssumedSavingShare = 0.25;
// "Similar size": aligned GEMMs of the same element type within this factor of FLOPs per call.
constexpr double kSimilarFlops = 4.0;

int64_t padded(int64_t v, int align) {
  return (v + align - 1) / align * align;
}

std::string misaligned_dims(const GemmCall& g, int align) {
  std::string out;
  auto add = [&](const char* name, int64_t v) {
    if (v % align == 0) return;
    out += fmt::format("{}{} = {} -> {}", out.empty() ? "" : ", ", name, v, padded(v, align));
  };
  add("m", g.m), add("n", g.n), add("k", g.k);
  return out;
}

/// Misaligned calls of one shape, and what their time suggests.
struct ShapeGroup {
  std::string label;  // "aten::addmm: cublasLtMatmul bf16 m=49 n=64 k=1024"
  std::string dims;   // "m = 49 -> 56"
  uint16_t type = 0;
  double flops_per_call = 0;
  double time = 0, flops = 0;
  double saving = 0;
  std::string method;
  bool measured = false;
};

struct Rate {
  double time = 0, flops = 0;
  double per_ns() const { return time > 0 ? flops / time : 0; }
};

class GemmAlignmentRule final : public Rule {
 public:
  std::string_view id() const override { return "GEMM-ALIGNMENT"; }
  std::string_view title() const override {
    return "GEMM dimensions are not multiples of 8 (tensor-core alignment)";
  }
  Severity severity() const override { return Severity::kWarning; }

  std::vector<Finding> evaluate(const RuleContext& c) const override {
    const Profile& p = c.profile();
    SiteGroups sites;
    std::map<std::string, ShapeGroup> shapes;
    std::vector<GemmInstance> aligned;
    double mis_time = 0;
    for (const GemmInstance& g : gemms_in_steps(c)) {
      const int align = tensor_core_alignment(g.call->a_type);
      if (align == 0 || g.time <= 0) continue;
      // A dimension below the alignment (batch-1 decode's n = 1) makes a matrix-vector product:
      // memory-bound, and padding it would multiply the work (1 -> 8 is 8x). Those belong to
      // MEMORY-BOUND-DECODE, and they are no measure of what aligned GEMMs achieve either.
      if (std::min({g.call->m, g.call->n, g.call->k}) < align) continue;
      const std::string dims = misaligned_dims(*g.call, align);
      if (dims.empty()) {
        aligned.push_back(g);
        continue;
      }
      mis_time += double(g.time);
      const std::string label = gemm_description(p, g.first_kernel, gemm_label(p, *g.call));
      ShapeGroup& s = shapes[label];
      s.label = label, s.dims = dims, s.type = g.call->a_type;
      s.flops_per_call = g.flops();
      s.time += double(g.time), s.flops += g.flops();
      Location loc = c.locate(p.kernels[g.first_kernel].correlation_id, "");
      loc.op = fmt::format("{} ({})", label, dims);
      sites.add(loc, g.time, 0, EventRef{EventRef::Table::kKernel, g.first_kernel});
    }
    const TimeNs all = total_kernel_time(c);
    if (shapes.empty() || all == 0 || mis_time / double(all) < kMinShare) return {};

    // Each shape against aligned GEMMs of its type and similar size, measured in this run.
    double saving = 0;
    const ShapeGroup* top = nullptr;
    for (auto& [label, s] : shapes) {
      Rate similar, same_type;
      for (const GemmInstance& a : aligned) {
        if (a.call->a_type != s.type) continue;
        same_type.time += double(a.time), same_type.flops += a.flops();
        const double ratio = a.flops() / s.flops_per_call;
        if (ratio >= 1 / kSimilarFlops && ratio <= kSimilarFlops) {
          similar.time += double(a.time), similar.flops += a.flops();
        }
      }
      const Rate& ref = similar.time > 0 ? similar : same_type;
      const double rate = s.flops / s.time;
      if (ref.per_ns() > rate) {
        const double share = std::min(kMaxSavingShare, 1 - rate / ref.per_ns());
        s.saving = s.time * share, s.measured = true;
        s.method = fmt::format("{:.1f} TFLOP/s against {:.1f} TFLOP/s of aligned {} GEMMs {}",
                               rate / 1e3, ref.per_ns() / 1e3, data_type_name(s.type),
                               &ref == &similar ? "of similar size" : "of any size");
      } else {
        s.saving = s.time * kAssumedSavingShare;
        s.method = "no faster aligned GEMM of its type in this run: a quarter of its time assumed";
      }
      saving += s.saving;
      if (top == nullptr || s.time > top->time) top = &s;
    }

    const double steps = c.step_count();
    const double cost = per_step_ms(TimeNs(mis_time), c);
    Finding f = c.make_finding(std::string(id()), severity_for_share(cost / c.median_step_ms()));
    f.cost_ms_per_step = cost;
    f.estimated_saving_ms_per_step = saving / 1e6 / steps;
    const bool all_measured =
        std::all_of(shapes.begin(), shapes.end(), [](const auto& s) { return s.second.measured; });
    f.confidence = all_measured ? Confidence::kMedium : Confidence::kLow;
    f.estimate_method = fmt::format(
        "per GEMM shape: its time x (1 - its TFLOP/s / the TFLOP/s of aligned GEMMs of the same "
        "type and within {:.0f}x its FLOPs, measured in this run), capped at {:.0f}%; largest: "
        "{} ({})",
        kSimilarFlops, kMaxSavingShare * 100, top->label, top->method);
    f.title = fmt::format(
        "{:.0f} GEMMs per step with dimensions off the tensor-core alignment take {} ms/step; "
        "largest: {} ({})",
        double(sites.count()) / steps, fmt_ms(cost), top->label, top->dims);
    f.fix = fmt::format(
        "pad {} (multiples of {}) in {}, and mask or slice the padding, e.g. Swin's 7x7 = "
        "49-token windows padded to 56 tokens; round hidden sizes and vocabularies up to "
        "multiples of 64",
        top->dims, tensor_core_alignment(top->type), top->label);
    sites.fill(f, steps);
    f.evidence_counts["misaligned_gemm_shapes"] = double(shapes.size());
    return {f};
  }
};

}  // namespace

std::unique_ptr<Rule> make_gemm_alignment_rule() {
  return std::make_unique<GemmAlignmentRule>();
}

}  // namespace perfadvise
