// --format text: the terminal view. A verdict line, then each finding the way an expert would
// say it (rule, headline, one line per Python location, the fix, the estimated saving).
// Colors only when ReportOptions::color; every line fits ReportOptions::width columns.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "reports/common.h"
#include "reports/paths.h"
#include "reports/reporters.h"
#include "reports/text_layout.h"

namespace perfadvise {
namespace {

class Style {
 public:
  explicit Style(bool color) : color_(color) {}
  std::string paint(std::string_view code, std::string_view text) const {
    return color_ ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
  }
  std::string bold(std::string_view t) const { return paint("1", t); }
  std::string dim(std::string_view t) const { return paint("2", t); }
  std::string green(std::string_view t) const { return paint("32", t); }
  std::string severity(Severity s, std::string_view t) const {
    return paint(s == Severity::kCritical ? "1;31" : s == Severity::kWarning ? "1;33" : "1;36", t);
  }

 private:
  bool color_;
};

std::string verdict_lines(const Analysis& analysis, const std::vector<Finding>& findings,
                          const ReportOptions& options, const Style& style) {
  std::string out;
  for (const ProcessAnalysis& process : analysis.processes) {
    Verdict v = verdict_of(process);
    std::string who = process.profile ? process_label(*process.profile) : "process";
    std::string line = v.steps == 0
                           ? fmt::format("{}: no steps measured", who)
                           : fmt::format("{}: step {} (median of {} steps, {}), GPU busy {:.0f}%",
                                         who, format_ms(v.step_ms), v.steps,
                                         process.steps.description, v.busy_share * 100);
    out += style.bold(fit(line, options.width)) + "\n";
    if (process.recording_overhead) {
      out += fit(overhead_line(*process.recording_overhead), options.width) + "\n";
    }
    if (process.launch_detail) {
      out += fit(launch_detail_line(*process.launch_detail), options.width) + "\n";
    }
    for (const std::string& warning : process.warnings) {
      out += wrap("warning: " + warning, options.width, 0, 2) + "\n";
    }
  }
  if (findings.empty()) return out + "no findings: nothing in this run matched a rule\n";
  std::string top;
  for (size_t i = 0; i < findings.size() && i < 3; ++i) {
    top += fmt::format("{}{} {}", i ? ", " : "", findings[i].rule_id,
                       format_ms(findings[i].estimated_saving_ms_per_step));
  }
  out += fit(fmt::format("{} finding{}; biggest savings per step: {}", findings.size(),
                         findings.size() == 1 ? "" : "s", top),
             options.width) +
         "\n";
  return out;
}

// Locations print their file relative to the report's root (reports/paths.h).
std::string location_line(Location l, const std::string& root, int width) {
  l.file = relative_to(l.file, root);
  std::string count = l.count_per_step > 0
                          ? fmt::format("x{:g}/step", std::round(l.count_per_step * 100) / 100)
                          : "";
  std::string tail = fmt::format("{:>10}  {:>9}", count, format_ms(l.cost_ms_per_step));
  std::string where = fit_left(location_label(l), 28);
  int op_width = std::max(8, width - 2 - 28 - 2 - static_cast<int>(tail.size()) - 2);
  return fmt::format("  {:<28}  {:<{}}  {}", where, fit(l.op, op_width), op_width, tail);
}

std::string finding_block(const Finding& f, const std::string& root, const ReportOptions& options,
                          const Style& style) {
  std::string out = style.severity(f.severity, fmt::format("[{}]", f.rule_id)) + " ";
  int indent = static_cast<int>(f.rule_id.size()) + 3;
  out += style.bold(wrap(f.title, options.width, indent, indent)) + "\n";
  for (const Location& l : f.locations)
    out += location_line(l, root, options.width) + "\n";
  if (!f.fix.empty()) out += "  fix: " + wrap(f.fix, options.width, 7, 7) + "\n";
  std::string saving = fmt::format("{}/step", format_ms(f.estimated_saving_ms_per_step));
  std::string how = f.estimate_method.empty() ? "" : fmt::format(" ({})", f.estimate_method);
  out += "  estimated saving: " +
         wrap(fmt::format("{}{}, confidence {}", style.green(saving), how,
                          confidence_name(f.confidence)),
              options.width, 20, 4) +
         "\n";
  if (!f.doc.empty()) out += style.dim(fit("  more: " + f.doc, options.width)) + "\n";
  return out;
}

class TextReporter final : public Reporter {
 public:
  Result<void> write(const Analysis& analysis, const ReportOptions& options,
                     std::ostream& out) override {
    Style style(options.color);
    std::vector<Finding> findings = analysis.ranked_findings();
    out << verdict_lines(analysis, findings, options, style);
    const std::string root = display_root(analysis);
    if (!root.empty() && !findings.empty()) {
      out << style.dim(fit("source paths relative to " + root, options.width)) << '\n';
    }
    size_t shown =
        options.max_findings ? std::min(options.max_findings, findings.size()) : findings.size();
    for (size_t i = 0; i < shown; ++i)
      out << '\n' << finding_block(findings[i], root, options, style);
    if (shown < findings.size()) {
      out << '\n'
          << fmt::format("... and {} more (perfadvise analyze shows all)", findings.size() - shown)
          << '\n';
    }
    if (!out) return make_error("{}: could not write the text report", options.input_path);
    return {};
  }
};

}  // namespace

std::unique_ptr<Reporter> make_text_reporter() {
  return std::make_unique<TextReporter>();
}

}  // namespace perfadvise
