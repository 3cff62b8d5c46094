#include "analyzer/launch_detail.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "analyzer/collector_ranges.h"

namespace perfadvise {
namespace {

// Fewer steps than this make medians over steps meaningless: keep them all instead.
constexpr size_t kMinAnalyzedSteps = 3;
// Slivers of a window cut by the steady state's edges are not worth a step of their own.
constexpr TimeNs kMinWindowNs = 20'000'000;

// The parts of `span` outside the off windows (time-sorted, disjoint), each one step.
std::vector<Step> windows_within(const Step& span, const std::vector<Step>& off) {
  std::vector<Step> pieces;
  TimeNs from = span.start;
  auto add = [&](TimeNs to) {
    if (to - from >= kMinWindowNs) {
      pieces.push_back(Step{from, to, fmt::format("launch-detail window {}", pieces.size() + 1)});
    }
  };
  for (const Step& o : off) {
    if (o.end <= from) continue;
    if (o.start >= span.end) break;
    add(std::min(o.start, span.end));
    from = std::max(from, o.end);
  }
  add(span.end);
  return pieces;
}

std::string schedule_of(const Profile& profile) {
  auto it = profile.provenance.extra.find("collector.launch_detail");
  if (it == profile.provenance.extra.end()) return "";
  const std::string& text = it->second;
  return text.rfind(kLaunchDetailSampledPrefix, 0) == 0
             ? text.substr(kLaunchDetailSampledPrefix.size())
             : text;
}

}  // namespace

std::optional<LaunchDetailSampling> keep_launch_detail_steps(const Profile& profile,
                                                             StepDetection& steps) {
  const std::vector<Step> off = collector_ranges(profile, kLaunchDetailOffRange);
  if (off.empty()) return std::nullopt;
  LaunchDetailSampling sampling;
  sampling.schedule = schedule_of(profile);
  sampling.steps = steps.steps.size();
  std::vector<Step> kept;
  if (steps.method == StepMethod::kWindow) {
    for (const Step& span : steps.steps) {
      for (Step& piece : windows_within(span, off))
        kept.push_back(std::move(piece));
    }
  } else {
    for (const Step& s : steps.steps) {
      if (coverage_by(s, off) == Coverage::kOutside) kept.push_back(s);
    }
  }
  if (kept.size() < kMinAnalyzedSteps && kept.size() < steps.steps.size()) {
    sampling.analyzed_steps = steps.steps.size();
    sampling.note = fmt::format(
        "only {} step(s) fit inside a launch-detail window: every step is analyzed, but launch "
        "gaps, GEMM shapes and kernel lines cover the windows only (perfadvise run "
        "--launch-detail all records them for every launch)",
        kept.size());
    return sampling;
  }
  if (steps.method == StepMethod::kWindow) {
    steps.description += "; cut into the windows with launch detail";
  }
  steps.steps = std::move(kept);
  sampling.analyzed_steps = steps.steps.size();
  return sampling;
}

}  // namespace perfadvise
