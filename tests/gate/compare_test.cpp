// The comparison on synthetic inputs: exact counts, findings, environment, tolerances.
#include <catch2/catch.hpp>

#include "gate/gate.h"
#include "tests/gate/gate_fixtures.h"

using namespace perfadvise;
using namespace perfadvise::gate;

namespace {

GateResult run(const GateInput& base, const GateInput& cand, const GateConfig& config = {}) {
  auto result = compare(base, cand, config);
  REQUIRE(result.ok());
  return std::move(result).value();
}

const Check& check(const GateResult& r, const std::string& metric) {
  for (const Check& c : r.checks) {
    if (c.metric == metric) return c;
  }
  FAIL("no check for " << metric);
  return r.checks.front();
}

GateInput with_masked_loss_syncs(GateInput in) {
  in.counts["syncs.stream"] = {3, 3, 3, 3};
  in.counts["copies.DtoH"] = {3, 3, 3, 3};
  in.sync_sites = {
      {"loss.py:28", "masked_loss", "aten::nonzero", "cudaStreamSynchronize", "stream", 1},
      {"loss.py:30", "masked_loss", "aten::unique", "cudaStreamSynchronize", "stream", 1},
      {"loss.py:34", "masked_loss", "aten::index", "cudaStreamSynchronize", "stream", 1}};
  in.findings.push_back({"SYNC-D2H", "loss.py:28", "3 host-device syncs per step"});
  return in;
}

}  // namespace

TEST_CASE("an input compared with itself passes") {
  GateInput in = fixtures::steady_input(50, 7);
  GateResult r = run(in, in);
  CHECK(r.outcome == Outcome::kPass);
  CHECK(r.regressions() == 0);
  CHECK(r.new_sync_sites.empty());
  CHECK(check(r, "wall_ms").change == 0);
}

TEST_CASE("new syncs fail the gate and name their Python lines") {
  GateInput base = fixtures::steady_input(50, 1);
  GateInput cand = with_masked_loss_syncs(fixtures::steady_input(50, 2));
  GateResult r = run(base, cand);
  CHECK(r.outcome == Outcome::kRegression);
  const Check& syncs = check(r, "syncs.stream");
  CHECK(syncs.verdict == Verdict::kRegression);
  CHECK(syncs.baseline == 0);
  CHECK(syncs.candidate == 3);
  REQUIRE(syncs.evidence.size() == 3);
  CHECK_THAT(syncs.evidence[0], Catch::Contains("loss.py:28") && Catch::Contains("aten::nonzero"));
  CHECK(check(r, "copies.DtoH").verdict == Verdict::kRegression);
  CHECK(check(r, "findings.new").verdict == Verdict::kRegression);
  REQUIRE(r.new_findings.size() == 1);
  CHECK(r.new_findings[0].key() == "SYNC-D2H@loss.py:28");
  CHECK(r.new_sync_sites.size() == 3);
}

TEST_CASE("the fix is an improvement, not a regression") {
  GateInput base = with_masked_loss_syncs(fixtures::steady_input(50, 1));
  GateResult r = run(base, fixtures::steady_input(50, 2));
  CHECK(r.outcome == Outcome::kPass);
  CHECK(check(r, "syncs.stream").verdict == Verdict::kImproved);
  CHECK(r.resolved_findings.size() == 1);
}

TEST_CASE("count tolerances come from the config") {
  GateInput base = fixtures::steady_input(50, 1);
  GateInput cand = base;
  cand.counts["kernel_launches"] = {820, 820, 820, 820};
  CHECK(check(run(base, cand), "kernel_launches").verdict == Verdict::kRegression);
  GateConfig config;
  config.metrics["kernel_launches"].tolerance_pct = 1;  // 8.12 launches
  CHECK(check(run(base, cand, config), "kernel_launches").verdict == Verdict::kPass);
  config.metrics["kernel_launches"].tolerance_pct.reset();
  config.metrics["kernel_launches"].enabled = false;
  GateResult off = run(base, cand, config);
  CHECK(check(off, "kernel_launches").verdict == Verdict::kNotGated);
  CHECK(off.outcome == Outcome::kPass);
}

TEST_CASE("graph launches fail on any change") {
  GateInput base = fixtures::steady_input(50, 1);
  base.counts["graph_launches"] = {1, 1, 1, 1};
  GateInput cand = base;
  cand.counts["graph_launches"] = {0, 0, 0, 0};
  CHECK(check(run(base, cand), "graph_launches").verdict == Verdict::kRegression);
}

TEST_CASE("findings of ignored rules do not fail") {
  GateInput base = fixtures::steady_input(50, 1);
  GateInput cand = base;
  cand.findings.push_back({"GPU-IDLE", "", "GPU idle 12% of the step"});
  CHECK(run(base, cand).outcome == Outcome::kRegression);
  GateConfig config;
  config.ignore_rules = {"GPU-IDLE"};
  CHECK(run(base, cand, config).outcome == Outcome::kPass);
}

TEST_CASE("another environment makes the baseline stale, not a regression") {
  GateInput base = fixtures::steady_input(50, 1);
  GateInput cand = with_masked_loss_syncs(fixtures::steady_input(50, 2, 0.3));
  cand.environment["gpu"] = "NVIDIA A100-SXM4-80GB";
  GateResult r = run(base, cand);
  CHECK(r.outcome == Outcome::kStale);
  REQUIRE(r.environment_differences.size() == 1);
  CHECK(r.environment_differences[0].key == "gpu");
  CHECK(check(r, "wall_ms").verdict == Verdict::kRegression);  // shown as "would regress"
  GateConfig config;
  config.ignore_environment = {"gpu"};
  CHECK(run(base, cand, config).outcome == Outcome::kRegression);
}

TEST_CASE("too few steps: timings are shown, not gated") {
  GateResult r = run(fixtures::steady_input(5, 1), fixtures::steady_input(5, 2, 0.5));
  CHECK(check(r, "wall_ms").verdict == Verdict::kNotGated);
  CHECK_THAT(check(r, "wall_ms").detail, Catch::Contains("fewer than 9 steps"));
  CHECK(r.outcome == Outcome::kPass);
}

TEST_CASE("metrics on one side only compare against zero") {
  GateInput base = fixtures::steady_input(50, 1);
  GateInput cand = base;
  cand.timings["category_ms.copy"] = std::vector<double>(50, 2.0);
  cand.counts["allocations"] = {1, 1, 1, 1};
  GateResult r = run(base, cand);
  CHECK(check(r, "category_ms.copy").verdict == Verdict::kRegression);
  CHECK(check(r, "category_ms.copy").baseline == 0);
  CHECK(check(r, "allocations").verdict == Verdict::kRegression);
}

TEST_CASE("inputs that cannot be compared are errors") {
  GateInput base = fixtures::steady_input(50, 1);
  GateInput cand = base;
  cand.processes = 2;
  auto r = compare(base, cand, GateConfig{});
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("1 processes") && Catch::Contains("has 2"));
  GateInput empty = base;
  empty.steps = 0;
  empty.timings.clear();
  REQUIRE_FALSE(compare(base, empty, GateConfig{}).ok());
}
