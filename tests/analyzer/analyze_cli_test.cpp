#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/analyzer/scenarios.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

std::string cli() {
  return shell_quote(PERFADVISE_CLI);
}

}  // namespace

TEST_CASE("analyze on a corrupt or foreign file: one line, exit 2") {
  TempDir dir;
  std::ofstream(dir.file("foreign.sqlite")) << "not a profile at all";
  const CommandResult r =
      run_command(cli() + " analyze " + shell_quote(dir.file("foreign.sqlite")));
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("analyze --format json: tool, profile, steps, metrics, findings") {
  TempDir dir;
  ProfileBuilder b;
  WorkloadSim sim(b);
  for (int i = 0; i < 8; ++i) {
    sim.kernel(kConvKernel, 300'000);
    sim.kernel(kAddKernel, 20'000);
    sim.blocking_copy(MemcpyKind::kDtoH, 8, {{"/x/loss.py", "f", 28}}, "aten::nonzero");
  }
  REQUIRE(b.write(dir.file("p.sqlite")).ok());
  const CommandResult r =
      run_command(cli() + " analyze --format json " + shell_quote(dir.file("p.sqlite")));
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"tool", "profile", "steps", "metrics", "findings"})
    CHECK(j.contains(key));
  REQUIRE_FALSE(j["findings"].empty());
  CHECK(j["findings"][0]["rule_id"] == "SYNC-D2H");
  const CommandResult filtered = run_command(cli() + " analyze --format json --min-saving 1000 " +
                                             shell_quote(dir.file("p.sqlite")));
  REQUIRE(filtered.exit_code == 0);
  CHECK(nlohmann::json::parse(filtered.out)["findings"].empty());
}

TEST_CASE("analyze --timings: each phase and rule on stderr, the report unchanged") {
  const std::string sample =
      shell_quote(std::string(PERFADVISE_SAMPLES_DIR) + "/decode_loop.sqlite");
  const CommandResult plain = run_command(cli() + " analyze --format json " + sample);
  const CommandResult timed = run_command(cli() + " analyze --format json --timings " + sample);
  REQUIRE(plain.exit_code == 0);
  REQUIRE(timed.exit_code == 0);
  CHECK(timed.out == plain.out);
  for (const char* phase :
       {"timing: load ", "timing: steps", "timing: gpu timeline", "timing: rule GPU-IDLE",
        "timing: rule UNFUSED-OPTIMIZER", "timing: analysis"}) {
    CHECK_THAT(timed.err, Catch::Contains(phase));
  }
  CHECK(plain.err.find("timing:") == std::string::npos);
}

TEST_CASE("rules lists the catalogue and prints one rule's document") {
  const CommandResult list = run_command(cli() + " rules");
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("MEMORY-BOUND-DECODE") != std::string::npos);
  const CommandResult one = run_command("cd / && " + cli() + " rules gemm-alignment");
  CHECK(one.exit_code == 0);
  CHECK(one.out.find("# GEMM-ALIGNMENT") == 0);
  CHECK(run_command(cli() + " rules NOPE").exit_code == 2);
}
