#include "gate/gate.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "gate/checks.h"

namespace perfadvise::gate {
namespace {

constexpr double kNewSiteMinIncrease =
    0.5;  // per step; a site absent from the baseline always counts

std::vector<EnvironmentDifference> environment_differences(const GateInput& base,
                                                           const GateInput& cand,
                                                           const GateConfig& config) {
  std::set<std::string> keys;
  for (const auto& [key, value] : base.environment)
    keys.insert(key);
  for (const auto& [key, value] : cand.environment)
    keys.insert(key);
  std::vector<EnvironmentDifference> out;
  for (const std::string& key : keys) {
    if (config.ignore_environment.count(key)) continue;
    auto b = base.environment.find(key);
    auto c = cand.environment.find(key);
    std::string bv = b == base.environment.end() ? "" : b->second;
    std::string cv = c == cand.environment.end() ? "" : c->second;
    if (bv != cv) out.push_back({key, bv, cv});
  }
  return out;
}

std::vector<SyncSite> new_sync_sites(const GateInput& base, const GateInput& cand) {
  std::vector<SyncSite> out;
  for (const SyncSite& site : cand.sync_sites) {
    auto same = std::find_if(base.sync_sites.begin(), base.sync_sites.end(),
                             [&](const SyncSite& b) { return b.key() == site.key(); });
    if (same == base.sync_sites.end()) {
      out.push_back(site);
    } else if (site.per_step - same->per_step >= kNewSiteMinIncrease) {
      out.push_back(site);
      out.back().per_step -= same->per_step;
    }
  }
  return out;
}

template <typename Value>
std::set<std::string> union_of_keys(const std::map<std::string, Value>& a,
                                    const std::map<std::string, Value>& b) {
  std::set<std::string> keys;
  for (const auto& [key, value] : a)
    keys.insert(key);
  for (const auto& [key, value] : b)
    keys.insert(key);
  return keys;
}

std::vector<double> samples_or_zeros(const GateInput& input, const std::string& metric) {
  auto found = input.timings.find(metric);
  return found != input.timings.end() ? found->second : std::vector<double>(input.steps, 0.0);
}

CountSummary summary_or_zero(const GateInput& input, const std::string& metric) {
  auto found = input.counts.find(metric);
  return found != input.counts.end() ? found->second : CountSummary{};
}

/// Evidence for a sync count that went up: the new sites of that kind (all new sites when
/// none carries the kind, since the analyzer and the sites may name kinds differently).
void attach_sync_evidence(Check& check, const std::vector<SyncSite>& sites) {
  const std::string kind = check.metric.substr(check.metric.find('.') + 1);
  for (const SyncSite& s : sites) {
    if (s.kind == kind)
      check.evidence.push_back(fmt::format("{} x{:g}/step", s.describe(), s.per_step));
  }
  if (!check.evidence.empty()) return;
  for (const SyncSite& s : sites) {
    check.evidence.push_back(fmt::format("{} x{:g}/step", s.describe(), s.per_step));
  }
}

void findings_check(const GateInput& base, const GateInput& cand, const GateConfig& config,
                    GateResult& result) {
  std::set<std::string> base_keys, cand_keys;
  for (const FindingKey& f : base.findings)
    base_keys.insert(f.key());
  for (const FindingKey& f : cand.findings)
    cand_keys.insert(f.key());
  for (const FindingKey& f : cand.findings) {
    if (!base_keys.count(f.key()) && !config.ignore_rules.count(f.rule_id)) {
      result.new_findings.push_back(f);
    }
  }
  for (const FindingKey& f : base.findings) {
    if (!cand_keys.count(f.key())) result.resolved_findings.push_back(f);
  }
  Check c;
  c.metric = std::string(kNewFindings);
  c.kind = MetricKind::kFindings;
  c.baseline = static_cast<double>(base.findings.size());
  c.candidate = static_cast<double>(cand.findings.size());
  c.change = static_cast<double>(result.new_findings.size());
  for (const FindingKey& f : result.new_findings)
    c.evidence.push_back(f.key() + ": " + f.title);
  if (!config.rule_for(c.metric).enabled) {
    c.verdict = Verdict::kNotGated;
    c.detail = "off in the gate config";
  } else {
    c.verdict = result.new_findings.empty() ? Verdict::kPass : Verdict::kRegression;
    c.detail = fmt::format("{} new, {} resolved", result.new_findings.size(),
                           result.resolved_findings.size());
  }
  result.checks.push_back(std::move(c));
}

Result<void> check_comparable(const GateInput& base, const GateInput& cand) {
  if (base.steps == 0) return make_error("{}: no measured steps to compare", base.source);
  if (cand.steps == 0) return make_error("{}: no measured steps to compare", cand.source);
  if (base.processes != cand.processes) {
    return make_error("{} has {} processes but {} has {}: record both with the same launch",
                      base.source, base.processes, cand.source, cand.processes);
  }
  return {};
}

}  // namespace

size_t GateResult::regressions() const {
  return static_cast<size_t>(std::count_if(checks.begin(), checks.end(), [](const Check& c) {
    return c.verdict == Verdict::kRegression;
  }));
}

Result<GateResult> compare(const GateInput& base, const GateInput& cand, const GateConfig& config) {
  PA_TRY(check_comparable(base, cand));
  GateResult result;
  result.baseline_source = base.source;
  result.candidate_source = cand.source;
  result.baseline_steps = base.steps;
  result.candidate_steps = cand.steps;
  result.environment_differences = environment_differences(base, cand, config);
  result.new_sync_sites = new_sync_sites(base, cand);

  for (const std::string& metric : union_of_keys(base.counts, cand.counts)) {
    Check c = check_count(metric, summary_or_zero(base, metric), summary_or_zero(cand, metric),
                          config.rule_for(metric));
    if (c.verdict == Verdict::kRegression && metric.rfind("syncs.", 0) == 0) {
      attach_sync_evidence(c, result.new_sync_sites);
    }
    result.checks.push_back(std::move(c));
  }
  findings_check(base, cand, config, result);
  for (const std::string& metric : union_of_keys(base.timings, cand.timings)) {
    result.checks.push_back(check_timing(metric, samples_or_zeros(base, metric),
                                         samples_or_zeros(cand, metric), config.rule_for(metric),
                                         config.min_steps));
  }

  if (!result.environment_differences.empty()) {
    result.outcome = Outcome::kStale;
    result.notes.push_back(
        "baseline stale: recorded in another environment; nothing was gated. Record a new "
        "baseline on this machine with --update.");
  } else if (result.regressions() > 0) {
    result.outcome = Outcome::kRegression;
  }
  return result;
}

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kRegression:
      return "regression";
    case Verdict::kImproved:
      return "improved";
    case Verdict::kNotGated:
      return "not gated";
    default:
      return "pass";
  }
}

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kRegression:
      return "regression";
    case Outcome::kStale:
      return "baseline stale";
    default:
      return "pass";
  }
}

}  // namespace perfadvise::gate
