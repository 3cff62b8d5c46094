// Markdown and terminal summaries: the same content, two renderings.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "gate/gate_report.h"

namespace perfadvise::gate {
namespace {

int verdict_rank(Verdict v) {
  switch (v) {
    case Verdict::kRegression:
      return 0;
    case Verdict::kImproved:
      return 1;
    case Verdict::kPass:
      return 2;
    default:
      return 3;
  }
}

std::vector<const Check*> ordered(const GateResult& result) {
  std::vector<const Check*> checks;
  for (const Check& c : result.checks)
    checks.push_back(&c);
  std::stable_sort(checks.begin(), checks.end(), [](const Check* a, const Check* b) {
    return verdict_rank(a->verdict) < verdict_rank(b->verdict);
  });
  return checks;
}

std::string bytes_text(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (std::fabs(bytes) >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:g} B", bytes) : fmt::format("{:.1f} {}", bytes, units[unit]);
}

std::string headline(const GateResult& r) {
  switch (r.outcome) {
    case Outcome::kRegression:
      return fmt::format("regression: {} of {} checks failed", r.regressions(), r.checks.size());
    case Outcome::kStale:
      return "baseline stale: recorded in another environment, nothing gated";
    default:
      return fmt::format("pass: {} checks", r.checks.size());
  }
}

std::string_view outcome_mark(Outcome o) {
  return o == Outcome::kRegression ? "❌" : o == Outcome::kStale ? "⚠️" : "✅";
}

std::string_view verdict_mark(Verdict v) {
  return v == Verdict::kRegression ? "❌ " : v == Verdict::kImproved ? "🟢 " : "";
}

/// In a stale comparison nothing is gated: say what a verdict would have been.
std::string shown_verdict(const GateResult& r, const Check& c) {
  if (r.outcome == Outcome::kStale && c.verdict == Verdict::kRegression) {
    return "would regress (stale)";
  }
  return std::string(verdict_name(c.verdict));
}

std::string markdown_code(const std::string& text) {
  std::string escaped = text;
  std::replace(escaped.begin(), escaped.end(), '`', '\'');
  return "`" + escaped + "`";
}

std::string markdown_cell(std::string text) {
  std::string out;
  for (char ch : text)
    out += ch == '|' ? std::string("\\|") : std::string(1, ch);
  return out;
}

void markdown_lists(const GateResult& r, std::string& md) {
  if (!r.new_sync_sites.empty()) {
    md += "\n### New host-device syncs per step\n\n";
    for (const SyncSite& s : r.new_sync_sites) {
      md += fmt::format("- {} ×{:g}/step\n", markdown_code(s.describe()), s.per_step);
    }
  }
  if (!r.new_findings.empty()) {
    md += "\n### New findings\n\n";
    for (const FindingKey& f : r.new_findings) {
      md += fmt::format("- **{}** {}: {}\n", f.rule_id,
                        f.location.empty() ? "" : markdown_code(f.location), f.title);
    }
  }
  if (!r.resolved_findings.empty()) {
    md += "\n### Resolved findings\n\n";
    for (const FindingKey& f : r.resolved_findings)
      md += fmt::format("- {}\n", f.key());
  }
}

}  // namespace

std::string format_value(const std::string& metric, MetricKind kind, double value) {
  if (kind == MetricKind::kTiming) return fmt::format("{:.3f} ms", value);
  if (metric.rfind("bytes.", 0) == 0) return bytes_text(value);
  return fmt::format("{:g}", value);
}

std::string format_change(const Check& c) {
  if (c.kind == MetricKind::kFindings) return fmt::format("{:g} new", c.change);
  std::string text = c.kind == MetricKind::kTiming      ? fmt::format("{:+.3f} ms", c.change)
                     : c.metric.rfind("bytes.", 0) == 0 ? "+" + bytes_text(c.change)
                                                        : fmt::format("{:+g}", c.change);
  if (text.rfind("+-", 0) == 0) text.erase(0, 1);
  if (c.baseline != 0 && c.change != 0) text += fmt::format(" ({:+.1f}%)", c.change_pct);
  if (c.kind == MetricKind::kTiming) text += fmt::format(", p={:.2g}", c.p_value);
  return text;
}

std::string gate_markdown(const GateResult& r) {
  std::string md =
      fmt::format("## perfadvise gate: {} {}\n\n", outcome_mark(r.outcome), headline(r));
  md += fmt::format("Baseline {} ({} steps) vs candidate {} ({} steps). Counts are per step.\n",
                    markdown_code(r.baseline_source), r.baseline_steps,
                    markdown_code(r.candidate_source), r.candidate_steps);
  for (const std::string& note : r.notes)
    md += fmt::format("\n> **{}**\n", note);
  if (!r.environment_differences.empty()) {
    md += "\n| environment | baseline | candidate |\n|---|---|---|\n";
    for (const auto& d : r.environment_differences) {
      md += fmt::format("| {} | {} | {} |\n", d.key, markdown_cell(d.baseline),
                        markdown_cell(d.candidate));
    }
  }
  md += "\n| metric | baseline | candidate | change | verdict |\n|---|---:|---:|---:|---|\n";
  for (const Check* c : ordered(r)) {
    md += fmt::format("| {} | {} | {} | {} | {}{} |\n", markdown_cell(c->metric),
                      format_value(c->metric, c->kind, c->baseline),
                      format_value(c->metric, c->kind, c->candidate), format_change(*c),
                      verdict_mark(c->verdict), shown_verdict(r, *c));
  }
  markdown_lists(r, md);
  md += "\n<details><summary>How each verdict was reached</summary>\n\n";
  for (const Check* c : ordered(r))
    md += fmt::format("- {}: {}\n", c->metric, c->detail);
  md += "\n</details>\n";
  return md;
}

std::string gate_text(const GateResult& r, bool color) {
  auto paint = [color](std::string_view text, const char* code) {
    return color ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
  };
  const char* headline_color = r.outcome == Outcome::kRegression ? "1;31"
                               : r.outcome == Outcome::kStale    ? "1;33"
                                                                 : "1;32";
  std::string out = "perfadvise gate: " + paint(headline(r), headline_color) + "\n";
  out += fmt::format("  baseline  {} ({} steps)\n  candidate {} ({} steps)\n", r.baseline_source,
                     r.baseline_steps, r.candidate_source, r.candidate_steps);
  for (const std::string& note : r.notes)
    out += "  " + paint(note, "33") + "\n";
  for (const auto& d : r.environment_differences) {
    out += fmt::format("  environment {}: '{}' -> '{}'\n", d.key, d.baseline, d.candidate);
  }
  out += fmt::format("\n  {:<28} {:>14} {:>14}  {:<34} {}\n", "metric", "baseline", "candidate",
                     "change", "verdict");
  for (const Check* c : ordered(r)) {
    const char* code = c->verdict == Verdict::kRegression ? "31"
                       : c->verdict == Verdict::kImproved ? "32"
                                                          : "2";
    out += fmt::format("  {:<28} {:>14} {:>14}  {:<34} {}\n", c->metric,
                       format_value(c->metric, c->kind, c->baseline),
                       format_value(c->metric, c->kind, c->candidate), format_change(*c),
                       paint(shown_verdict(r, *c), code));
    for (const std::string& e : c->evidence)
      out += "      " + e + "\n";
  }
  if (!r.new_sync_sites.empty()) out += "\n  new host-device syncs per step:\n";
  for (const SyncSite& s : r.new_sync_sites) {
    out += fmt::format("    {} x{:g}/step\n", s.describe(), s.per_step);
  }
  return out;
}

std::string truncate_summary(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  const std::string note =
      "\n\n*(summary truncated: GitHub limits step summaries to 1 MiB; "
      "see the JSON or JUnit output for everything)*\n";
  size_t cut = text.rfind('\n', max_bytes > note.size() ? max_bytes - note.size() : 0);
  return text.substr(0, cut == std::string::npos ? 0 : cut) + note;
}

}  // namespace perfadvise::gate
