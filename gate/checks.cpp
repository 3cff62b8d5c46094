#include "gate/checks.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "gate/stats.h"

namespace perfadvise::gate {
namespace {

double relative_pct(double change, double base) {
  return base != 0 ? 100 * change / base : 0;
}

/// Maps "worse" and "better" to a verdict under the metric's direction.
Verdict direction_verdict(Direction direction, bool increased, bool decreased) {
  switch (direction) {
    case Direction::kHigherIsBetter:
      return decreased ? Verdict::kRegression : increased ? Verdict::kImproved : Verdict::kPass;
    case Direction::kEither:
      return increased || decreased ? Verdict::kRegression : Verdict::kPass;
    default:
      return increased ? Verdict::kRegression : decreased ? Verdict::kImproved : Verdict::kPass;
  }
}

}  // namespace

Check check_count(const std::string& metric, const CountSummary& baseline,
                  const CountSummary& candidate, const MetricRule& rule) {
  Check c;
  c.metric = metric;
  c.kind = MetricKind::kCount;
  c.baseline = baseline.median;
  c.candidate = candidate.median;
  c.change = candidate.median - baseline.median;
  c.change_pct = relative_pct(c.change, baseline.median);
  c.constant = baseline.constant() && candidate.constant();
  c.threshold = std::max(rule.tolerance, rule.tolerance_pct / 100 * baseline.median);
  if (!rule.enabled) {
    c.verdict = Verdict::kNotGated;
    c.detail = "off in the gate config";
    return c;
  }
  c.verdict = direction_verdict(rule.direction, c.change > c.threshold, -c.change > c.threshold);
  c.detail = fmt::format("per-step median {:.10g} -> {:.10g}, tolerance {:.10g}", c.baseline,
                         c.candidate, c.threshold);
  if (!c.constant) c.detail += " (varies between steps)";
  return c;
}

Check check_timing(const std::string& metric, const std::vector<double>& baseline,
                   const std::vector<double>& candidate, const MetricRule& rule, size_t min_steps) {
  Check c;
  c.metric = metric;
  c.kind = MetricKind::kTiming;
  c.baseline = median(baseline);
  c.candidate = median(candidate);
  c.change = hodges_lehmann_shift(baseline, candidate);
  c.change_pct = relative_pct(c.change, c.baseline);
  c.threshold = std::max(rule.min_effect_pct / 100 * c.baseline, rule.min_effect_ms);
  const RankTest slower = mann_whitney_greater(baseline, candidate);
  const RankTest faster = mann_whitney_greater(candidate, baseline);
  // For "either" both one-sided tests run, each at alpha / 2.
  const double alpha = rule.direction == Direction::kEither ? rule.alpha / 2 : rule.alpha;
  const bool increased = slower.p_value < alpha && c.change >= c.threshold;
  const bool decreased = faster.p_value < alpha && -c.change >= c.threshold;
  c.p_value = c.change >= 0 ? slower.p_value : faster.p_value;
  c.detail = fmt::format(
      "Mann-Whitney p={:.2g} (alpha {:g}), shift {:+.3f} ms ({:+.1f}%), "
      "min effect {:.3f} ms; n={}/{}",
      c.p_value, alpha, c.change, c.change_pct, c.threshold, baseline.size(), candidate.size());
  if (!rule.enabled) {
    c.verdict = Verdict::kNotGated;
    c.detail = "off in the gate config; " + c.detail;
  } else if (baseline.size() < min_steps || candidate.size() < min_steps) {
    c.verdict = Verdict::kNotGated;
    c.detail = fmt::format("not gated: fewer than {} steps; ", min_steps) + c.detail;
  } else {
    c.verdict = direction_verdict(rule.direction, increased, decreased);
  }
  return c;
}

}  // namespace perfadvise::gate
