// Machine-readable outputs: JUnit XML for CI test-report UIs, JSON for everything else.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "gate/gate_report.h"
#include "reports/markup.h"

namespace perfadvise::gate {
namespace {

std::string_view kind_name(MetricKind kind) {
  return kind == MetricKind::kTiming ? "timing" : kind == MetricKind::kCount ? "count" : "findings";
}

std::string failure_message(const Check& c) {
  return fmt::format("{}: {} -> {} ({}); {}", c.metric, format_value(c.metric, c.kind, c.baseline),
                     format_value(c.metric, c.kind, c.candidate), format_change(c), c.detail);
}

std::string testcase(const GateResult& r, const Check& c) {
  std::string xml = fmt::format("    <testcase classname=\"perfadvise.gate.{}\" name=\"{}\">",
                                kind_name(c.kind), escape_markup(c.metric));
  if (r.outcome == Outcome::kStale) {
    xml += fmt::format("<skipped message=\"baseline stale; would be: {}\"/>",
                       escape_markup(verdict_name(c.verdict)));
  } else if (c.verdict == Verdict::kRegression) {
    std::string body;
    for (const std::string& e : c.evidence)
      body += e + "\n";
    xml += fmt::format("<failure message=\"{}\" type=\"regression\">{}</failure>",
                       escape_markup(failure_message(c)), escape_markup(body));
  } else if (c.verdict == Verdict::kNotGated) {
    xml += fmt::format("<skipped message=\"{}\"/>", escape_markup(c.detail));
  } else {
    xml += fmt::format("<system-out>{}</system-out>", escape_markup(failure_message(c)));
  }
  return xml + "</testcase>\n";
}

nlohmann::ordered_json check_json(const Check& c) {
  nlohmann::ordered_json j;
  j["metric"] = c.metric;
  j["kind"] = kind_name(c.kind);
  j["verdict"] = verdict_name(c.verdict);
  j["baseline"] = c.baseline;
  j["candidate"] = c.candidate;
  j["change"] = c.change;
  j["change_pct"] = c.change_pct;
  j["threshold"] = c.threshold;
  if (c.kind == MetricKind::kTiming) j["p_value"] = c.p_value;
  if (c.kind == MetricKind::kCount) j["constant"] = c.constant;
  j["detail"] = c.detail;
  j["evidence"] = c.evidence;
  return j;
}

}  // namespace

std::string gate_junit(const GateResult& r) {
  size_t failures = r.outcome == Outcome::kStale ? 0 : r.regressions();
  size_t skipped = 0;
  std::string cases;
  for (const Check& c : r.checks) {
    if (r.outcome == Outcome::kStale || c.verdict == Verdict::kNotGated) ++skipped;
    cases += testcase(r, c);
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"perfadvise gate\" tests=\"{0}\" failures=\"{1}\" skipped=\"{2}\">\n"
      "  <testsuite name=\"perfadvise gate: {3} vs {4}\" tests=\"{0}\" failures=\"{1}\" "
      "skipped=\"{2}\">\n{5}  </testsuite>\n</testsuites>\n",
      r.checks.size(), failures, skipped, escape_markup(r.candidate_source),
      escape_markup(r.baseline_source), cases);
}

std::string gate_json(const GateResult& r) {
  nlohmann::ordered_json j;
  j["format"] = "perfadvise-gate-result";
  j["version"] = 1;
  j["outcome"] = outcome_name(r.outcome);
  j["baseline"] = {{"source", r.baseline_source}, {"steps", r.baseline_steps}};
  j["candidate"] = {{"source", r.candidate_source}, {"steps", r.candidate_steps}};
  j["environment_differences"] = nlohmann::ordered_json::array();
  for (const auto& d : r.environment_differences) {
    j["environment_differences"].push_back(
        {{"key", d.key}, {"baseline", d.baseline}, {"candidate", d.candidate}});
  }
  j["checks"] = nlohmann::ordered_json::array();
  for (const Check& c : r.checks)
    j["checks"].push_back(check_json(c));
  j["new_sync_sites"] = nlohmann::ordered_json::array();
  for (const SyncSite& s : r.new_sync_sites) {
    j["new_sync_sites"].push_back({{"location", s.location},
                                   {"function", s.function},
                                   {"op", s.op},
                                   {"api", s.api},
                                   {"kind", s.kind},
                                   {"per_step", s.per_step}});
  }
  auto findings = [](const std::vector<FindingKey>& keys) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const FindingKey& f : keys) {
      list.push_back({{"rule_id", f.rule_id}, {"location", f.location}, {"title", f.title}});
    }
    return list;
  };
  j["new_findings"] = findings(r.new_findings);
  j["resolved_findings"] = findings(r.resolved_findings);
  j["notes"] = r.notes;
  return j.dump(2) + "\n";
}

}  // namespace perfadvise::gate
