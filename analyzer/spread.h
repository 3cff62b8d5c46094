// Spreads over steps: every per-step number comes with its distribution, so consumers (reports,
// the gate, tests) summarize steps the same way.
#pragma once

#include <vector>

#include "analyzer/analysis.h"

namespace perfadvise {

/// Median, mean, extremes and deciles (linear interpolation between closest ranks, as numpy's
/// default percentile) of per-step values; all zero when empty.
Spread spread_of(std::vector<double> values);

/// The spread of one field over the steps of a process.
template <typename Field>
Spread spread_over_steps(const std::vector<StepMetrics>& steps, Field field) {
  std::vector<double> values;
  values.reserve(steps.size());
  for (const StepMetrics& m : steps)
    values.push_back(double(field(m)));
  return spread_of(std::move(values));
}

}  // namespace perfadvise
