// One check per metric: the exact rule for counts and the statistical rule for timings.
#pragma once

#include <vector>

#include "gate/gate.h"

namespace perfadvise::gate {

/// Exact gate: fails when the per-step median moves beyond max(tolerance, tolerance_pct).
Check check_count(const std::string& metric, const CountSummary& baseline,
                  const CountSummary& candidate, const MetricRule& rule);

/// Statistical gate: fails when the one-sided Mann-Whitney test gives p < alpha and the
/// Hodges-Lehmann shift is at least max(min_effect_pct of the baseline median, min_effect_ms).
/// With fewer than `min_steps` samples on a side it reports the numbers without gating.
Check check_timing(const std::string& metric, const std::vector<double>& baseline,
                   const std::vector<double>& candidate, const MetricRule& rule, size_t min_steps);

}  // namespace perfadvise::gate
