// The statistics behind the timing gates: a one-sided Mann-Whitney U test (normal approximation
// with tie and continuity correction) and the Hodges-Lehmann shift estimate. Small on purpose:
// the gate needs a rank test that does not assume normal step times, not a statistics library.
#pragma once

#include <vector>

namespace perfadvise::gate {

struct RankTest {
  double u = 0;  // U statistic of the candidate: pairs (base, cand) with cand > base (+0.5 ties)
  double z = 0;  // standardized U (continuity-corrected)
  double p_value = 1;  // one-sided: P(U >= observed) when both come from one distribution
};

/// Tests "candidate values are stochastically larger than baseline values" (slower).
/// Returns p = 1 when either side is empty or every value is tied.
RankTest mann_whitney_greater(const std::vector<double>& baseline,
                              const std::vector<double>& candidate);

/// Median of all pairwise differences candidate[j] - baseline[i]: a robust estimate of the shift.
double hodges_lehmann_shift(const std::vector<double>& baseline,
                            const std::vector<double>& candidate);

/// Median (mean of the middle two for even sizes); 0 for an empty input.
double median(std::vector<double> values);

/// Linear-interpolated quantile, q in [0, 1]; 0 for an empty input.
double quantile(std::vector<double> values, double q);

/// Standard normal upper tail, P(Z > z).
double normal_upper_tail(double z);

}  // namespace perfadvise::gate
