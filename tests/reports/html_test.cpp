// The HTML report: one file, no external URL, escaped profile strings, bounded size.
#include <regex>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "reports/html_data.h"
#include "reports/reporter.h"
#include "tests/reports/fixture.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

std::string html_of(const Analysis& analysis) {
  auto reporter = make_reporter("html");
  REQUIRE(reporter.ok());
  std::ostringstream out;
  REQUIRE((*reporter)->write(analysis, {}, out).ok());
  return out.str();
}

std::string data_block(const std::string& html) {
  std::string open = "<script type=\"application/json\" id=\"data\">";
  size_t begin = html.find(open);
  REQUIRE(begin != std::string::npos);
  begin += open.size();
  return html.substr(begin, html.find("</script>", begin) - begin);
}

}  // namespace

TEST_CASE("html: self-contained, no network URL, all slots filled") {
  auto fx = make_report_fixture();
  std::string html = html_of(fx->analysis);
  CHECK(html.find("{{") == std::string::npos);
  CHECK_FALSE(std::regex_search(html, std::regex(R"((src|href)\s*=\s*["']?(https?:)?//)")));
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("default-src 'none'") != std::string::npos);
  CHECK(html.find("id=\"finding-1\"") != std::string::npos);
  CHECK(html.find("<canvas id=\"tl-canvas\"") != std::string::npos);
}

TEST_CASE("html: profile strings are escaped in markup and in the data block") {
  auto fx = make_report_fixture();
  std::string html = html_of(fx->analysis);
  CHECK(html.find(kHostileKernel) == std::string::npos);
  CHECK(html.find("<b>nonzero</b>") == std::string::npos);
  CHECK(html.find("&lt;b&gt;nonzero&lt;/b&gt;") != std::string::npos);
  std::string data = data_block(html);
  CHECK(data.find('<') == std::string::npos);
  auto j = nlohmann::json::parse(data);
  bool found = false;
  for (const auto& s : j["timeline"]["strings"])
    found |= s == kHostileKernel;
  CHECK(found);
}

TEST_CASE("html: script-breaking text and line separators cannot leave the data block") {
  CHECK(escape_json_for_script("\"</script><b>&\xE2\x80\xA8\xE2\x80\xA9\"") ==
        "\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\\u2028\\u2029\"");
}

TEST_CASE("html: findings link to their evidence in the timeline") {
  auto fx = make_report_fixture();
  auto j = html_data(fx->analysis, {});
  const auto& evidence = j["timeline"]["evidence"];
  REQUIRE(evidence.size() == 2);
  CHECK(evidence[0].size() == 6);  // the six sync waits
  for (const auto& ref : evidence[0]) {
    const auto& track = j["timeline"]["tracks"][ref[0].get<size_t>()];
    CHECK(track["k"][ref[1].get<size_t>()] == 1);  // kind: sync wait
  }
  CHECK(j["processes"][0]["syncs"][0][0] == "/home/user/proj/loss.py:28");
  CHECK(j["processes"][0]["kernels"]["rows"].size() == 6);
}

TEST_CASE("html: the timeline is bounded and says what it left out") {
  auto fx = make_report_fixture({20, 200, true});
  HtmlDataLimits limits;
  limits.max_timeline_events = 1000;
  auto j = html_data(fx->analysis, {}, limits);
  const auto& tl = j["timeline"];
  CHECK(tl["total_events"].get<size_t>() > 8000);
  size_t shown = 0;
  for (const auto& t : tl["tracks"])
    shown += t["s"].size();
  CHECK(shown == tl["shown_events"].get<size_t>());
  CHECK(shown <= 1000 + 20);  // the window plus evidence outside it
  CHECK(tl["note"].get<std::string>().find("shows 1000 of") != std::string::npos);
  CHECK(tl["evidence"][0].size() == 20);  // every sync still linked
}

TEST_CASE("html: a process's warnings are in the verdict, escaped") {
  auto fx = make_report_fixture();
  fx->analysis.processes[0].warnings = {"ids <repeated>"};
  const std::string html = html_of(fx->analysis);
  CHECK(html.find("<p class=\"warning\">Warning: ids &lt;repeated&gt;</p>") != std::string::npos);
}
