// The gate's outputs: Markdown table and sync lines, JUnit testcases, JSON, escaping, truncation.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "gate/gate_report.h"
#include "tests/gate/gate_fixtures.h"

using namespace perfadvise;
using namespace perfadvise::gate;

namespace {

GateResult masked_regression() {
  GateInput base = fixtures::steady_input(50, 1);
  GateInput cand = fixtures::steady_input(50, 2, 0.2);
  cand.counts["syncs.stream"] = {1, 1, 1, 1};
  cand.sync_sites = {
      {"loss.py:28", "masked_loss", "aten::nonzero", "cudaStreamSynchronize", "stream", 1}};
  cand.findings.push_back({"SYNC-D2H", "loss.py:28", "1 sync <per> step & \"more\""});
  auto r = compare(base, cand, GateConfig{});
  REQUIRE(r.ok());
  return std::move(r).value();
}

}  // namespace

TEST_CASE("markdown summary: headline, table, new syncs with their lines") {
  std::string md = gate_markdown(masked_regression());
  CHECK_THAT(md, Catch::StartsWith("## perfadvise gate: ❌ regression:"));
  CHECK_THAT(md, Catch::Contains("| metric | baseline | candidate | change | verdict |"));
  CHECK_THAT(md, Catch::Contains("| syncs.stream | 0 | 1 | +1 | ❌ regression |"));
  CHECK_THAT(md, Catch::Contains("### New host-device syncs per step"));
  CHECK_THAT(md, Catch::Contains(
                     "`loss.py:28 masked_loss (aten::nonzero -> cudaStreamSynchronize)` ×1/step"));
  CHECK_THAT(
      md,
      Catch::Contains(
          "| wall_ms | 98.170 ms | 118.352 ms | +20.734 ms (+21.1%), p=5.4e-18 | ❌ regression |"));
  CHECK_THAT(md, Catch::Contains("Mann-Whitney p="));
}

TEST_CASE("terminal summary: colors only when asked") {
  GateResult r = masked_regression();
  CHECK(gate_text(r, false).find('\033') == std::string::npos);
  CHECK(gate_text(r, true).find("\033[1;31m") != std::string::npos);
  CHECK_THAT(gate_text(r, false), Catch::Contains("loss.py:28 masked_loss"));
}

TEST_CASE("JUnit: one testcase per check, failures carry the numbers, text is escaped") {
  GateResult r = masked_regression();
  std::string xml = gate_junit(r);
  CHECK_THAT(xml, Catch::Contains(fmt::format("tests=\"{}\"", r.checks.size())));
  CHECK_THAT(xml, Catch::Contains(fmt::format("failures=\"{}\"", r.regressions())));
  CHECK_THAT(xml,
             Catch::Contains("<testcase classname=\"perfadvise.gate.count\" "
                             "name=\"syncs.stream\"><failure message=\"syncs.stream: 0 -&gt; 1"));
  CHECK_THAT(xml, Catch::Contains("1 sync &lt;per&gt; step &amp; &quot;more&quot;"));
  CHECK(xml.find("<per>") == std::string::npos);
  size_t testcases = 0;
  for (size_t at = xml.find("<testcase"); at != std::string::npos;
       at = xml.find("<testcase", at + 1)) {
    ++testcases;
  }
  CHECK(testcases == r.checks.size());
}

TEST_CASE("JSON: outcome, checks and new syncs") {
  auto j = nlohmann::json::parse(gate_json(masked_regression()));
  CHECK(j["outcome"] == "regression");
  CHECK(j["new_sync_sites"][0]["location"] == "loss.py:28");
  bool found = false;
  for (const auto& c : j["checks"]) {
    if (c["metric"] == "wall_ms") {
      found = true;
      CHECK(c["verdict"] == "regression");
      CHECK(c["p_value"].get<double>() < 0.01);
    }
  }
  CHECK(found);
}

TEST_CASE("stale: reports say nothing was gated") {
  GateInput base = fixtures::steady_input(50, 1);
  GateInput cand = fixtures::steady_input(50, 2, 0.2);
  cand.environment["driver"] = "560.28.03";
  auto r = compare(base, cand, GateConfig{});
  REQUIRE(r.ok());
  std::string md = gate_markdown(*r);
  CHECK_THAT(md, Catch::Contains("⚠️ baseline stale"));
  CHECK_THAT(md, Catch::Contains("| driver | 550.54.15 | 560.28.03 |"));
  CHECK_THAT(md, Catch::Contains("would regress (stale)"));
  CHECK_THAT(gate_junit(*r), Catch::Contains("failures=\"0\""));
}

TEST_CASE("summaries are cut below GitHub's limit at a line boundary") {
  std::string text;
  for (int i = 0; i < 1000; ++i)
    text += "| a row of the table |\n";
  std::string cut = truncate_summary(text, 2000);
  CHECK(cut.size() <= 2000);
  CHECK_THAT(cut, Catch::Contains("summary truncated"));
  CHECK(truncate_summary("short\n", 2000) == "short\n");
}
