// --format html: one self-contained file. The verdict and findings are static HTML (readable
// without scripts); the page's script (reports/html/report.js) draws the breakdown, the tables
// and the canvas timeline from one escaped JSON block.
#include <map>

#include <fmt/format.h>

#include "profile/version.h"
#include "reports/analysis_json.h"
#include "reports/common.h"
#include "reports/html/assets.h"
#include "reports/html_data.h"
#include "reports/markup.h"
#include "reports/reporters.h"

namespace perfadvise {
namespace {

std::string verdict_html(const Analysis& analysis, const std::vector<Finding>& findings) {
  std::string out = "<section id=\"verdict\">";
  for (const ProcessAnalysis& p : analysis.processes) {
    if (!p.profile) continue;
    Verdict v = verdict_of(p);
    out += fmt::format(
        "<div class=\"kpis\"><div class=\"who\">{}</div>"
        "<div class=\"kpi\"><b>{}</b><span>step time (median of {} steps)</span></div>"
        "<div class=\"kpi\"><b>{:.0f}%</b><span>GPU busy</span></div>",
        escape_markup(process_label(*p.profile)), v.steps ? format_ms(v.step_ms) : "n/a", v.steps,
        v.busy_share * 100);
    out += fmt::format("</div><p class=\"steps-by\">Steps: {}</p>",
                       escape_markup(p.steps.description.empty() ? "-" : p.steps.description));
    if (p.launch_detail) {
      out +=
          "<p class=\"steps-by\">" + escape_markup(launch_detail_line(*p.launch_detail)) + "</p>";
    }
    if (p.recording_overhead) {
      out +=
          "<p class=\"steps-by\">" + escape_markup(overhead_line(*p.recording_overhead)) + "</p>";
    }
    for (const std::string& warning : p.warnings) {
      out += "<p class=\"warning\">Warning: " + escape_markup(warning) + "</p>";
    }
  }
  if (findings.empty()) return out + "<p class=\"none\">No rule matched this run.</p></section>";
  out += "<ol class=\"top\">";
  for (size_t i = 0; i < findings.size() && i < 3; ++i) {
    out += fmt::format(
        "<li><a href=\"#finding-{}\"><span class=\"saving\">-{}/step</span> {}</a></li>", i + 1,
        format_ms(findings[i].estimated_saving_ms_per_step), escape_markup(findings[i].title));
  }
  return out + "</ol></section>";
}

std::string locations_html(const Finding& f) {
  if (f.locations.empty()) return "";
  std::string out =
      "<table class=\"locations\"><thead><tr><th>where</th><th>op</th><th>per step</th>"
      "<th>cost / step</th></tr></thead><tbody>";
  for (const Location& l : f.locations) {
    std::string stack;
    for (const std::string& frame : l.stack)
      stack += escape_markup(frame) + "\n";
    out += fmt::format(
        "<tr><td class=\"code\" title=\"{}\">{}<small>{}</small></td><td class=\"code\">{}</td>"
        "<td class=\"num\">{:g}</td><td class=\"num\">{}</td></tr>",
        stack, escape_markup(location_label(l)), escape_markup(l.function), escape_markup(l.op),
        l.count_per_step, format_ms(l.cost_ms_per_step));
  }
  return out + "</tbody></table>";
}

std::string evidence_html(const Finding& f) {
  if (f.evidence_counts.empty()) return "";
  std::string out = "<dl class=\"evidence\">";
  for (const auto& [key, value] : f.evidence_counts) {
    out += fmt::format("<div><dt>{}</dt><dd>{:g}</dd></div>", escape_markup(key), value);
  }
  return out + "</dl>";
}

std::string finding_html(const Finding& f, size_t number) {
  return fmt::format(
      "<article class=\"finding {sev}\" id=\"finding-{n}\" data-finding=\"{i}\">"
      "<header><span class=\"rule\">{rule}</span><h3>{title}</h3>"
      "<span class=\"saving\">-{saving}/step</span></header>"
      "{locations}<p class=\"fix\"><b>Fix</b> {fix}</p>"
      "<p class=\"estimate\">Estimated saving <b>{saving}/step</b> of {step} ({method}; "
      "confidence {conf}). Measured cost {cost}/step.</p>{evidence}"
      "<p class=\"links\"><a href=\"#timeline\" class=\"show-in-timeline\" data-finding=\"{i}\">"
      "show in timeline</a> <span class=\"doc\">{doc}</span></p></article>",
      fmt::arg("sev", severity_name(f.severity)), fmt::arg("n", number), fmt::arg("i", number - 1),
      fmt::arg("rule", escape_markup(f.rule_id)), fmt::arg("title", escape_markup(f.title)),
      fmt::arg("saving", format_ms(f.estimated_saving_ms_per_step)),
      fmt::arg("locations", locations_html(f)), fmt::arg("fix", escape_markup(f.fix)),
      fmt::arg("step", format_ms(f.step_time_ms)),
      fmt::arg("method", escape_markup(f.estimate_method)),
      fmt::arg("conf", confidence_name(f.confidence)),
      fmt::arg("cost", format_ms(f.cost_ms_per_step)), fmt::arg("evidence", evidence_html(f)),
      fmt::arg("doc", escape_markup(f.doc)));
}

std::string body_html(const Analysis& analysis) {
  std::vector<Finding> findings = analysis.ranked_findings();
  std::string out = verdict_html(analysis, findings);
  out +=
      fmt::format("<section id=\"findings\"><h2>Findings <small>{}</small></h2>", findings.size());
  for (size_t i = 0; i < findings.size(); ++i)
    out += finding_html(findings[i], i + 1);
  return out + "</section>";
}

// Fills the template's {{SLOT}}s in one pass, so text inside a value is never taken for a slot.
Result<void> write_page(std::string_view page,
                        const std::map<std::string_view, std::string_view>& slots,
                        std::ostream& out) {
  size_t filled = 0;
  while (true) {
    size_t open = page.find("{{");
    if (open == std::string_view::npos) break;
    size_t close = page.find("}}", open);
    if (close == std::string_view::npos) break;
    auto slot = slots.find(page.substr(open + 2, close - open - 2));
    if (slot == slots.end()) {
      return make_error("reports/html/report.html: unknown slot {}",
                        page.substr(open, close + 2 - open));
    }
    out << page.substr(0, open) << slot->second;
    page.remove_prefix(close + 2);
    ++filled;
  }
  out << page;
  if (filled != slots.size()) return make_error("reports/html/report.html: a slot is missing");
  return {};
}

class HtmlReporter final : public Reporter {
 public:
  Result<void> write(const Analysis& analysis, const ReportOptions& options,
                     std::ostream& out) override {
    std::string title =
        options.input_path.empty() ? "perfadvise report" : "perfadvise: " + options.input_path;
    std::string data = escape_json_for_script(dump_json(html_data(analysis, options)));
    std::string header = escape_markup(title);
    std::string version = fmt::format("perfadvise {}", kToolVersion);
    std::string body = body_html(analysis);
    PA_TRY(write_page(html_assets::kTemplate,
                      {{"TITLE", header},
                       {"CSS", html_assets::kCss},
                       {"HEADER", header},
                       {"VERSION", version},
                       {"BODY", body},
                       {"DATA", data},
                       {"JS", html_assets::kJs}},
                      out));
    if (!out) return make_error("{}: could not write the HTML report", options.input_path);
    return {};
  }
};

}  // namespace

std::unique_ptr<Reporter> make_html_reporter() {
  return std::make_unique<HtmlReporter>();
}

}  // namespace perfadvise
