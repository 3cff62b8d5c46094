// --format markdown: the summary a CI job posts (GitHub step summary, PR comment). A verdict,
// a table of findings ranked by saving, and one collapsible section per finding.
#include <fmt/format.h>

#include "reports/common.h"
#include "reports/markup.h"
#include "reports/reporters.h"

namespace perfadvise {
namespace {

// Markdown renders inline HTML: entity-escape it, and neutralize table and emphasis syntax.
std::string md(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (append_markup_entity(out, c)) continue;
    switch (c) {
      case '|':
        out += "&#124;";
        break;
      case '\n':
        out += ' ';
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '#':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string verdict(const Analysis& analysis) {
  std::string out;
  for (const ProcessAnalysis& process : analysis.processes) {
    Verdict v = verdict_of(process);
    std::string who = process.profile ? process_label(*process.profile) : "process";
    if (v.steps == 0) {
      out += fmt::format("- {}: no steps measured\n", md(who));
    } else {
      out += fmt::format("- {}: step time **{}** (median of {} steps), GPU busy **{:.0f}%**\n",
                         md(who), format_ms(v.step_ms), v.steps, v.busy_share * 100);
    }
  }
  return out;
}

std::string findings_table(const std::vector<Finding>& findings, size_t shown) {
  std::string out = "| # | rule | finding | saving / step | where |\n|---:|---|---|---:|---|\n";
  for (size_t i = 0; i < shown; ++i) {
    const Finding& f = findings[i];
    std::string where = f.locations.empty() ? "" : md(location_label(f.locations.front()));
    if (f.locations.size() > 1) where += fmt::format(" +{}", f.locations.size() - 1);
    out += fmt::format("| {} | {} | {} | {} | {} |\n", i + 1, md(f.rule_id), md(f.title),
                       format_ms(f.estimated_saving_ms_per_step), where);
  }
  return out;
}

std::string finding_details(const Finding& f) {
  std::string out =
      fmt::format("<details><summary><b>{}</b> {}</summary>\n\n", md(f.rule_id), md(f.title));
  for (const Location& l : f.locations) {
    out += fmt::format("- {} {}: {:g}/step, {}\n", md(location_label(l)), md(l.op),
                       l.count_per_step, format_ms(l.cost_ms_per_step));
  }
  if (!f.fix.empty()) out += fmt::format("\n**Fix:** {}\n", md(f.fix));
  out += fmt::format("\n**Estimated saving:** {}/step ({}; confidence {})\n",
                     format_ms(f.estimated_saving_ms_per_step), md(f.estimate_method),
                     confidence_name(f.confidence));
  if (!f.doc.empty()) out += fmt::format("\nDocumentation: {}\n", md(f.doc));
  return out + "\n</details>\n\n";
}

class MarkdownReporter final : public Reporter {
 public:
  Result<void> write(const Analysis& analysis, const ReportOptions& options,
                     std::ostream& out) override {
    std::vector<Finding> findings = analysis.ranked_findings();
    size_t shown =
        options.max_findings ? std::min(options.max_findings, findings.size()) : findings.size();
    out << fmt::format("## perfadvise: {} finding{}\n\n", findings.size(),
                       findings.size() == 1 ? "" : "s");
    if (!options.input_path.empty()) out << fmt::format("Profile: {}\n\n", md(options.input_path));
    out << verdict(analysis) << '\n';
    if (findings.empty()) {
      out << "No rule matched this run.\n";
    } else {
      out << findings_table(findings, shown) << '\n';
      for (size_t i = 0; i < shown; ++i)
        out << finding_details(findings[i]);
      if (shown < findings.size()) {
        out << fmt::format("{} more findings are in the full report.\n", findings.size() - shown);
      }
    }
    if (!out) return make_error("{}: could not write the Markdown report", options.input_path);
    return {};
  }
};

}  // namespace

std::unique_ptr<Reporter> make_markdown_reporter() {
  return std::make_unique<MarkdownReporter>();
}

}  // namespace perfadvise
