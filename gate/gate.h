// The gate: compares a candidate's GateInput with a baseline's, metric by metric. Exact counts
// fail on any change beyond their tolerance; timings fail only when a one-sided rank test is
// significant AND the shift is at least the minimum effect. A baseline recorded in another
// environment (GPU, driver, versions) makes the result "stale", never a regression.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "gate/gate_config.h"
#include "gate/gate_input.h"
#include "profile/result.h"

namespace perfadvise::gate {

enum class Verdict {
  kPass,
  kRegression,
  kImproved,  // better beyond tolerance: passes, and the baseline could be updated
  kNotGated,  // off in the config, or too few steps for the statistics
};

struct Check {
  std::string metric;
  MetricKind kind = MetricKind::kCount;
  Verdict verdict = Verdict::kPass;
  double baseline = 0;  // counts: per-step median; timings: median; findings: how many
  double candidate = 0;
  double change = 0;      // counts: candidate - baseline; timings: Hodges-Lehmann shift
  double change_pct = 0;  // change relative to the baseline value (0 when the baseline is 0)
  double p_value = 1;     // timings only
  double threshold = 0;   // counts: allowed change; timings: smallest shift that fails
  bool constant = true;   // counts: the value was the same in every step on both sides
  std::string detail;     // one line: how the verdict was reached
  std::vector<std::string> evidence;  // new sync sites or new findings behind a regression
};

enum class Outcome { kPass, kRegression, kStale };

struct EnvironmentDifference {
  std::string key;
  std::string baseline;
  std::string candidate;
};

struct GateResult {
  Outcome outcome = Outcome::kPass;
  std::string baseline_source, candidate_source;
  size_t baseline_steps = 0, candidate_steps = 0;
  std::vector<EnvironmentDifference> environment_differences;
  std::vector<Check> checks;
  std::vector<SyncSite> new_sync_sites;       // in the candidate, absent or rarer in the baseline
  std::vector<FindingKey> new_findings;       // in the candidate only (ignored rules left out)
  std::vector<FindingKey> resolved_findings;  // in the baseline only
  std::vector<std::string> notes;

  size_t regressions() const;
};

/// Compares; errors when the two cannot be compared at all (no steps, different process count).
Result<GateResult> compare(const GateInput& baseline, const GateInput& candidate,
                           const GateConfig& config);

std::string_view verdict_name(Verdict verdict);
std::string_view outcome_name(Outcome outcome);

}  // namespace perfadvise::gate
