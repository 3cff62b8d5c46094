// Text, JSON, SARIF and Markdown reporters on a hand-made analysis.
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "reports/markup.h"
#include "reports/paths.h"
#include "reports/progress.h"
#include "reports/reporter.h"
#include "reports/text_layout.h"
#include "tests/reports/fixture.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

std::string render(const std::string& format, const Analysis& analysis,
                   ReportOptions options = {}) {
  auto reporter = make_reporter(format);
  REQUIRE(reporter.ok());
  std::ostringstream out;
  auto written = (*reporter)->write(analysis, options, out);
  REQUIRE(written.ok());
  return out.str();
}

}  // namespace

TEST_CASE("make_reporter knows every format and rejects others") {
  for (const char* f : {"text", "json", "markdown", "sarif", "html", "perfetto", "chrome"}) {
    CHECK(make_reporter(f).ok());
  }
  auto bad = make_reporter("pdf");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("pdf") != std::string::npos);
}

TEST_CASE("text report: verdict, findings by saving, locations, fix, 100 columns, no color") {
  auto fx = make_report_fixture();
  std::string text = render("text", fx->analysis);
  CHECK(text.find("step 4.11 ms") != std::string::npos);
  size_t sync = text.find("[SYNC-D2H]"), idle = text.find("[GPU-IDLE]");
  REQUIRE(sync != std::string::npos);
  REQUIRE(idle != std::string::npos);
  CHECK(sync < idle);
  // Paths print relative to the files' common directory, named once.
  CHECK(text.find("source paths relative to /home/user/proj\n") != std::string::npos);
  CHECK(text.find("/home/user/proj/loss.py:28") == std::string::npos);
  CHECK(text.find("  loss.py:28 ") != std::string::npos);
  CHECK(text.find("aten::nonzero") != std::string::npos);
  CHECK(text.find("fix: torch.where") != std::string::npos);
  CHECK(text.find("estimated saving: 1.80 ms/step") != std::string::npos);
  CHECK(text.find('\033') == std::string::npos);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(display_width(line) <= 100);
  }
}

namespace {

Analysis analysis_with_files(const Profile& profile, const std::vector<std::string>& files) {
  Analysis a;
  ProcessAnalysis process;
  process.profile = &profile;
  Finding f;
  for (const std::string& file : files)
    f.locations.push_back(Location{file, 3, "f", "aten::nonzero"});
  process.findings.push_back(f);
  a.processes.push_back(process);
  return a;
}

}  // namespace

TEST_CASE("display_root: recorded working directory, else the files' common directory") {
  Profile p;
  const std::vector<std::string> files{"/srv/proj/model/loss.py", "/srv/proj/train.py"};
  CHECK(display_root(analysis_with_files(p, files)) == "/srv/proj");
  CHECK(display_root(analysis_with_files(p, {"/srv/proj/model/loss.py"})) == "/srv/proj/model");
  p.provenance.extra["working_directory"] = "/srv/";
  CHECK(display_root(analysis_with_files(p, files)) == "/srv");
  p.provenance.extra["working_directory"] = "/elsewhere";  // not under it: common directory
  CHECK(display_root(analysis_with_files(p, files)) == "/srv/proj");
  CHECK(display_root(analysis_with_files(p, {"/a/x.py", "/b/y.py"})).empty());
  CHECK(display_root(analysis_with_files(p, {"loss.py"})).empty());
  CHECK(relative_to("/srv/proj/model/loss.py", "/srv/proj") == "model/loss.py");
  CHECK(relative_to("/srv/projects/loss.py", "/srv/proj") == "/srv/projects/loss.py");
}

TEST_CASE("text report: colors only when asked, still 100 columns wide") {
  auto fx = make_report_fixture();
  ReportOptions options;
  options.color = true;
  std::string text = render("text", fx->analysis, options);
  CHECK(text.find("\033[1;31m[SYNC-D2H]\033[0m") != std::string::npos);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    CHECK(display_width(line) <= 100);
}

TEST_CASE("text report: max_findings and no findings") {
  auto fx = make_report_fixture();
  ReportOptions options;
  options.max_findings = 1;
  std::string text = render("text", fx->analysis, options);
  CHECK(text.find("[GPU-IDLE]") == std::string::npos);
  CHECK(text.find("1 more") != std::string::npos);
  auto quiet = make_report_fixture({2, 5, false});
  CHECK(render("text", quiet->analysis).find("no findings") != std::string::npos);
}

TEST_CASE("text layout: fit and wrap count code points") {
  CHECK(fit("abcdef", 4) == "abc…");
  CHECK(fit_left("/long/path/loss.py:28", 12) == "…/loss.py:28");
  CHECK(display_width("h\xC3\xA9llo") == 5);
  CHECK(display_width("\033[1mab\033[0m") == 2);
  std::string wrapped = wrap("one two three four five six", 12, 0, 2);
  CHECK(wrapped == "one two\n  three four\n  five six");
}

TEST_CASE("json report follows docs/json-output.md") {
  auto fx = make_report_fixture();
  auto j = nlohmann::json::parse(render("json", fx->analysis));
  CHECK(j["tool"]["name"] == "perfadvise");
  CHECK(j["profile"]["paths"][0] == "runs/masked_loss/rank0.sqlite");
  CHECK(j["steps"]["method"] == "nvtx");
  CHECK(j["steps"]["count"] == 6);
  CHECK(j["steps"]["per_step"].size() == 6);
  CHECK(j["metrics"]["wall_ms"]["median"].get<double>() == Approx(4.11));
  CHECK(j["metrics"]["counts"]["syncs_by_kind"]["stream"]["median"] == 1.0);
  const auto& f = j["findings"][0];
  CHECK(f["rule_id"] == "SYNC-D2H");
  CHECK(f["severity"] == "critical");
  CHECK(f["confidence"] == "high");
  CHECK(f["locations"][0]["line"] == 28);
  CHECK(f["locations"][0]["stack"].size() == 2);
  CHECK(f["evidence"]["events"].size() == 6);
  CHECK(f["evidence"]["events"][0]["table"] == "sync");
  CHECK(f["doc"] == "rules/SYNC-D2H.md");
}

TEST_CASE("json report survives invalid UTF-8 in kernel names") {
  auto fx = make_report_fixture();
  fx->analysis.processes[0].findings[0].title = "bad \xFF\xFE byte";
  CHECK(nlohmann::json::parse(render("json", fx->analysis))["findings"][0]["title"] ==
        "bad \xEF\xBF\xBD\xEF\xBF\xBD byte");
}

TEST_CASE("sarif: one result per located finding, relative URIs under the source root") {
  auto fx = make_report_fixture();
  ReportOptions options;
  options.source_root = "/home/user/proj";
  auto s = nlohmann::json::parse(render("sarif", fx->analysis, options));
  CHECK(s["version"] == "2.1.0");
  const auto& run = s["runs"][0];
  CHECK(run["tool"]["driver"]["rules"].size() == 2);
  REQUIRE(run["results"].size() == 2);
  const auto& located = run["results"][0];
  CHECK(located["ruleId"] == "SYNC-D2H");
  CHECK(located["level"] == "error");
  const auto& where = located["locations"][0]["physicalLocation"];
  CHECK(where["artifactLocation"]["uri"] == "loss.py");
  CHECK(where["region"]["startLine"] == 28);
  CHECK_FALSE(run["results"][1].contains("locations"));  // GPU-IDLE has no Python line
}

TEST_CASE("markdown: table of findings, HTML from the profile is escaped") {
  auto fx = make_report_fixture();
  std::string md = render("markdown", fx->analysis);
  CHECK(md.find("## perfadvise: 2 findings") != std::string::npos);
  CHECK(md.find("| 1 | SYNC-D2H |") != std::string::npos);
  CHECK(md.find("&lt;b&gt;nonzero&lt;/b&gt;") != std::string::npos);
  CHECK(md.find("<b>nonzero") == std::string::npos);
  CHECK(md.find("step time **4.11 ms**") != std::string::npos);
}

TEST_CASE("progress bar renders a bounded bar and stays silent for quick work") {
  CHECK(Progress::render("export", 0.5, 40) == "export [############............]  50%");
  std::FILE* sink = std::tmpfile();
  {
    Progress quick("export", sink, true);
    quick.update(1, 2);
    CHECK_FALSE(quick.shown());
  }
  std::fclose(sink);
}

TEST_CASE("markup escaping: one entity table for HTML, Markdown and JUnit XML") {
  CHECK(escape_markup("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
  // Control characters XML 1.0 forbids are dropped; tab and newline stay.
  CHECK(escape_markup(std::string("x\x01y\tz\n", 6)) == "xy\tz\n");
  std::string out;
  CHECK_FALSE(append_markup_entity(out, '|'));
  CHECK(out.empty());
}

TEST_CASE("a process's warnings appear in text and JSON") {
  auto fx = make_report_fixture();
  CHECK(nlohmann::json::parse(render("json", fx->analysis))["warnings"].empty());
  fx->analysis.processes[0].warnings = {"CUPTI dropped 12 records when its buffers were full"};
  const std::string text = render("text", fx->analysis);
  CHECK(text.find("warning: CUPTI dropped 12 records") != std::string::npos);
  CHECK(text.find("warning: CUPTI") < text.find("[SYNC-D2H]"));
  const auto j = nlohmann::json::parse(render("json", fx->analysis));
  CHECK(j["warnings"][0] == "CUPTI dropped 12 records when its buffers were full");
  CHECK(j["processes"][0]["warnings"].size() == 1);
}
