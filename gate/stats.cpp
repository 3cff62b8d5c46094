#include "gate/stats.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace perfadvise::gate {
namespace {

struct Ranked {
  std::vector<double> ranks;  // midranks, in the order of the pooled input
  double tie_term = 0;        // sum over tie groups of (t^3 - t)
};

Ranked midranks(const std::vector<double>& pooled) {
  std::vector<size_t> order(pooled.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return pooled[a] < pooled[b]; });
  Ranked out;
  out.ranks.resize(pooled.size());
  for (size_t first = 0; first < order.size();) {
    size_t last = first;
    while (last + 1 < order.size() && pooled[order[last + 1]] == pooled[order[first]])
      ++last;
    const double rank = (first + last) / 2.0 + 1.0;  // 1-based midrank of the tie group
    for (size_t k = first; k <= last; ++k)
      out.ranks[order[k]] = rank;
    const double t = static_cast<double>(last - first + 1);
    out.tie_term += t * t * t - t;
    first = last + 1;
  }
  return out;
}

}  // namespace

double normal_upper_tail(double z) {
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

RankTest mann_whitney_greater(const std::vector<double>& baseline,
                              const std::vector<double>& candidate) {
  RankTest test;
  const double n1 = static_cast<double>(baseline.size());
  const double n2 = static_cast<double>(candidate.size());
  if (baseline.empty() || candidate.empty()) return test;

  std::vector<double> pooled = baseline;
  pooled.insert(pooled.end(), candidate.begin(), candidate.end());
  const Ranked ranked = midranks(pooled);
  double candidate_rank_sum = 0;
  for (size_t i = baseline.size(); i < pooled.size(); ++i)
    candidate_rank_sum += ranked.ranks[i];

  const double n = n1 + n2;
  test.u = candidate_rank_sum - n2 * (n2 + 1) / 2;
  const double mean = n1 * n2 / 2;
  const double variance = n1 * n2 / 12 * ((n + 1) - ranked.tie_term / (n * (n - 1)));
  if (variance <= 0) return test;  // every value tied: no evidence either way
  test.z = (test.u - mean - 0.5) / std::sqrt(variance);
  test.p_value = normal_upper_tail(test.z);
  return test;
}

double hodges_lehmann_shift(const std::vector<double>& baseline,
                            const std::vector<double>& candidate) {
  std::vector<double> differences;
  differences.reserve(baseline.size() * candidate.size());
  for (double c : candidate) {
    for (double b : baseline)
      differences.push_back(c - b);
  }
  return median(std::move(differences));
}

double median(std::vector<double> values) {
  return quantile(std::move(values), 0.5);
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, values.size() - 1);
  const double weight = position - static_cast<double>(below);
  return values[below] * (1 - weight) + values[above] * weight;
}

}  // namespace perfadvise::gate
