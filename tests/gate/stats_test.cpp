// The rank test and the shift estimate against values worked out by hand and against the exact
// permutation distribution of U.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "gate/stats.h"

using namespace perfadvise::gate;

namespace {

/// Exact P(U >= u) for samples of sizes m and n without ties: counts of rank subsets by DP.
double exact_upper_tail(int m, int n, double u) {
  // ways[i][j][s]: arrangements of i baseline and j candidate values with U = s.
  const int max_u = m * n;
  std::vector<std::vector<std::vector<double>>> ways(
      m + 1, std::vector<std::vector<double>>(n + 1, std::vector<double>(max_u + 1, 0)));
  for (int i = 0; i <= m; ++i)
    ways[i][0][0] = 1;
  for (int j = 0; j <= n; ++j)
    ways[0][j][0] = 1;
  for (int i = 1; i <= m; ++i) {
    for (int j = 1; j <= n; ++j) {
      for (int s = 0; s <= max_u; ++s) {
        // The largest value is a candidate (beats all i baseline values) or a baseline value.
        double w = ways[i - 1][j][s];
        if (s >= i) w += ways[i][j - 1][s - i];
        ways[i][j][s] = w;
      }
    }
  }
  double total = 0, tail = 0;
  for (int s = 0; s <= max_u; ++s) {
    total += ways[m][n][s];
    if (s >= u) tail += ways[m][n][s];
  }
  return tail / total;
}

}  // namespace

TEST_CASE("Mann-Whitney U matches R's wilcox.test example") {
  // R: wilcox.test(x, y, alternative = "greater") gives W = 35 for these samples.
  std::vector<double> x = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
  std::vector<double> y = {1.15, 0.88, 0.90, 0.74, 1.21};
  RankTest t = mann_whitney_greater(y, x);
  CHECK(t.u == 35);
  // z = (35 - 25 - 0.5) / sqrt(10 * 5 * 16 / 12) = 1.16349
  CHECK(t.z == Approx(1.16349).epsilon(1e-4));
  CHECK(t.p_value == Approx(0.12231).epsilon(1e-3));
  RankTest reverse = mann_whitney_greater(x, y);
  CHECK(reverse.u == 15);
}

TEST_CASE("Mann-Whitney applies the tie correction") {
  // Pooled 1,2,2,2,3,3,3,4: two tie groups of 3, tie term 48; var = 16/12 * (9 - 48/56).
  RankTest t = mann_whitney_greater({1, 2, 2, 3}, {2, 3, 3, 4});
  CHECK(t.u == 13);
  CHECK(t.z == Approx(4.5 / std::sqrt(16.0 / 12 * (9 - 48.0 / 56))).epsilon(1e-9));
  CHECK(t.p_value == Approx(0.08600).epsilon(1e-3));
}

TEST_CASE("Mann-Whitney's normal approximation is close to the exact distribution") {
  std::vector<double> base, cand;
  for (int i = 0; i < 8; ++i)
    base.push_back(i * 2.0);  // interleavings without ties
  for (double offset : {0.5, 3.5, 5.5, 7.5, 9.5}) {
    cand.clear();
    for (int i = 0; i < 8; ++i)
      cand.push_back(i * 2.0 + offset);
    RankTest t = mann_whitney_greater(base, cand);
    CHECK(t.p_value == Approx(exact_upper_tail(8, 8, t.u)).margin(0.01));
  }
}

TEST_CASE("Mann-Whitney gives no evidence on empty or fully tied samples") {
  CHECK(mann_whitney_greater({}, {1, 2}).p_value == 1);
  CHECK(mann_whitney_greater({3, 3, 3}, {3, 3}).p_value == 1);
}

TEST_CASE("Hodges-Lehmann shift is the median pairwise difference") {
  // Differences of {2,3,4} - {1,2,3}: -1,0,0,1,1,1,2,2,3; median 1.
  CHECK(hodges_lehmann_shift({1, 2, 3}, {2, 3, 4}) == 1);
  CHECK(hodges_lehmann_shift({10, 11, 12, 13}, {10, 11, 12, 13}) == 0);
  CHECK(hodges_lehmann_shift({1, 2, 3}, {1, 2, 100}) == 0);  // the mean difference is 32.3
}

TEST_CASE("median and quantiles") {
  CHECK(median({}) == 0);
  CHECK(median({3, 1, 2}) == 2);
  CHECK(median({4, 1, 2, 3}) == 2.5);
  CHECK(quantile({1, 2, 3, 4, 5}, 0.1) == Approx(1.4));
  CHECK(quantile({1, 2, 3, 4, 5}, 1.0) == 5);
}
