// MEMORY-BOUND-DECODE: matrix-vector products (decode at batch <= 16: one of m, n is small)
// dominate the step. They read every weight once per token, so time is bytes / bandwidth:
// either they run far below the memory bandwidth, or the weights' bytes themselves are the
// cost and only fewer bytes (weight-only quantization) help. Needs recorded GEMM shapes.
#include <algorithm>

#include <fmt/format.h>

#include "rules/gemm_shapes.h"
#include "rules/rule_factories.h"
#include "rules/rule_util.h"

namespace perfadvise {
namespace {

constexpr int64_t kMaxDecodeRows = 16;
constexpr double kMinShare = 0.40;
constexpr double kFarBelowBandwidth = 0.5;
constexpr double kReachableBandwidth = 0.8;
// What a kernel can really stream, measured on the project's H100 (device-to-device copy,
// read + write; shared/docs/gpu-facts.md): below the 3.35 TB/s the device reports.
constexpr double kH100MeasuredBandwidth = 3.0e12;

/// The bandwidth to compare against, and where it comes from.
std::pair<double, std::string> streaming_peak(const Device& d) {
  if (d.name.find("H100") != std::string::npos) {
    return {kH100MeasuredBandwidth, "measured copy bandwidth of an H100"};
  }
  return {d.peak_bandwidth_bytes_per_s, "the device's reported peak"};
}

class MemoryBoundDecodeRule final : public Rule {
 public:
  std::string_view id() const override { return "MEMORY-BOUND-DECODE"; }
  std::string_view title() const override {
    return "Decode steps are GEMV-bound: weights dominate bytes or bandwidth is far from peak";
  }
  Severity severity() const override { return Severity::kWarning; }

  std::vector<Finding> evaluate(const RuleContext& c) const override {
    SiteGroups groups;
    double time = 0, bytes = 0;
    const Profile& p = c.profile();
    for (const GemmInstance& g : gemms_in_steps(c)) {
      if (std::min(g.call->m, g.call->n) > kMaxDecodeRows || g.time <= 0) continue;
      time += double(g.time), bytes += g.bytes();
      Location loc = c.locate(p.kernels[g.first_kernel].correlation_id, "");
      loc.op = gemm_description(p, g.first_kernel, gemm_label(p, *g.call));
      groups.add(loc, g.time, 0, EventRef{EventRef::Table::kKernel, g.first_kernel});
    }
    const TimeNs all = total_kernel_time(c);
    const auto [peak, peak_source] = streaming_peak(c.device());
    if (groups.empty() || all == 0 || time / double(all) < kMinShare || peak <= 0) return {};
    const double cost = per_step_ms(TimeNs(time), c);
    const double achieved = bytes / (time / 1e9);
    const double of_peak = achieved / peak;
    Finding f = c.make_finding(std::string(id()), severity_for_share(cost / c.median_step_ms()));
    f.cost_ms_per_step = cost;
    // Every step (token) streams these bytes at least once: bandwidth bounds the token rate.
    const double bytes_per_step = bytes / c.step_count();
    const double bound_per_s = peak / bytes_per_step;
    f.title = fmt::format(
        "matrix-vector GEMMs take {} ms/step ({} of GPU kernel time) at {:.0f} GB/s, {} of the "
        "{:.0f} GB/s {}; their {:.1f} MB per step bound the loop at {:.0f} steps/s, it runs "
        "at {:.0f}",
        fmt_ms(cost), fmt_pct(time / double(all)), achieved / 1e9, fmt_pct(of_peak), peak / 1e9,
        peak_source, bytes_per_step / 1e6, bound_per_s, 1e3 / c.median_step_ms());
    if (of_peak < kFarBelowBandwidth) {
      const double ideal = bytes / (kReachableBandwidth * peak) * 1e3 / c.step_count();
      f.estimated_saving_ms_per_step = std::max(0.0, cost - ideal);
      f.estimate_method = fmt::format(
          "their time minus the time to move the same bytes at {:.0f}% of peak bandwidth",
          kReachableBandwidth * 100);
      f.fix =
          "the GEMV kernels run far below memory bandwidth: torch.compile(mode=\"max-autotune\") "
          "generates bandwidth-bound GEMV kernels, CUDA graphs remove the launch gaps between "
          "them, and int8 weight-only quantization then halves the bytes";
    } else {
      f.estimated_saving_ms_per_step = cost / 2;
      f.estimate_method =
          "half their time: int8 weight-only quantization halves the weight "
          "bytes these bandwidth-bound kernels read";
      f.fix =
          "weights dominate the bytes read per token and the kernels already run near "
          "bandwidth: int8 weight-only quantization (torchao quantize_(model, "
          "int8_weight_only())) halves them, int4 quarters them";
    }
    f.confidence = Confidence::kMedium;
    groups.fill(f, c.step_count());
    f.evidence_counts["bytes_per_step"] = bytes / c.step_count();
    f.evidence_counts["achieved_bandwidth_gbs"] = achieved / 1e9;
    f.evidence_counts["peak_bandwidth_gbs"] = peak / 1e9;
    f.evidence_counts["bandwidth_bound_steps_per_s"] = bound_per_s;
    return {f};
  }
};

}  // namespace

std::unique_ptr<Rule> make_memory_bound_decode_rule() {
  return std::make_unique<MemoryBoundDecodeRule>();
}

}  // namespace perfadvise
