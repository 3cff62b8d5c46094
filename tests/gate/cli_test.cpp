// perfadvise gate as CI runs it: exit codes 0/1/2, --update, the output files, one-line errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "tests/support/profile_builder.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

constexpr TimeNs kMs = 1000000;

CommandResult gate(const std::string& args) {
  return run_command(std::string(PERFADVISE_CLI) + " gate " + args);
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// 20 NVTX steps of 10 ms; with `sync`, each step reads a GPU value at loss.py:28.
void write_loop(const std::string& path, bool sync) {
  ProfileBuilder b;
  for (int s = 0; s < 20; ++s) {
    const TimeNs t = s * 10 * kMs;
    b.nvtx_range("ProfilerStep#" + std::to_string(s), t, t + 10 * kMs);
    b.launch("elementwise_kernel", t + kMs, t + kMs, 2 * kMs);
    if (!sync) continue;
    uint32_t id = b.sync(SyncType::kStreamSynchronize, t + 4 * kMs, t + 5 * kMs);
    b.call_site(id, {{"loss.py", "masked_loss", 28}}, 0, "aten::nonzero");
  }
  REQUIRE(b.write(path).ok());
}

void require_one_line_error(const CommandResult& r, const std::string& needle) {
  INFO("stderr: " << r.err << " stdout: " << r.out);
  CHECK(r.exit_code == 2);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_THAT(r.err, Catch::Contains(needle));
}

}  // namespace

TEST_CASE("gate: a profile against itself passes") {
  TempDir dir;
  write_loop(dir.file("a.sqlite"), false);
  auto r = gate("--baseline " + dir.file("a.sqlite") + " --candidate " + dir.file("a.sqlite"));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("perfadvise gate: pass"));
}

TEST_CASE("gate: --update, then a new sync fails with its line in every output") {
  TempDir dir;
  write_loop(dir.file("main.sqlite"), false);
  write_loop(dir.file("pr.sqlite"), true);
  auto update = gate("--update --baseline " + dir.file("base.json") + " --candidate " +
                     dir.file("main.sqlite"));
  REQUIRE(update.exit_code == 0);
  CHECK_THAT(read(dir.file("base.json")),
             Catch::Contains("\"format\": \"perfadvise-gate-baseline\""));

  const std::string outputs = " --junit " + dir.file("gate.xml") + " --json " +
                              dir.file("gate.json") + " --markdown " + dir.file("gate.md");
  auto r = run_command("GITHUB_STEP_SUMMARY=" + dir.file("summary.md") + " " + PERFADVISE_CLI +
                       " gate --baseline " + dir.file("base.json") + " --candidate " +
                       dir.file("pr.sqlite") + outputs);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out,
             Catch::Contains("loss.py:28 masked_loss (aten::nonzero -> cudaStreamSynchronize)"));
  CHECK_THAT(read(dir.file("gate.md")), Catch::Contains("`loss.py:28 masked_loss"));
  CHECK(read(dir.file("summary.md")) == read(dir.file("gate.md")) + "\n");
  CHECK_THAT(read(dir.file("gate.xml")), Catch::Contains("name=\"syncs.stream\"><failure"));
  CHECK_THAT(read(dir.file("gate.json")), Catch::Contains("\"outcome\": \"regression\""));

  auto same =
      gate("--baseline " + dir.file("base.json") + " --candidate " + dir.file("main.sqlite"));
  CHECK(same.exit_code == 0);
}

TEST_CASE("gate: a stale baseline passes loudly, or exits 2 with --strict-env") {
  TempDir dir;
  write_loop(dir.file("main.sqlite"), false);
  REQUIRE(gate("--update --baseline " + dir.file("base.json") + " --candidate " +
               dir.file("main.sqlite"))
              .exit_code == 0);
  std::string text = read(dir.file("base.json"));
  const std::string gpu = "NVIDIA H100 80GB HBM3";
  REQUIRE(text.find(gpu) != std::string::npos);
  text.replace(text.find(gpu), gpu.size(), "NVIDIA A100-SXM4-80GB");
  std::ofstream(dir.file("old.json")) << text;
  const std::string args =
      "--baseline " + dir.file("old.json") + " --candidate " + dir.file("main.sqlite");
  auto r = gate(args);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("baseline stale"));
  require_one_line_error(gate(args + " --strict-env"), "baseline stale (gpu 'NVIDIA A100");
}

TEST_CASE("gate: unusable inputs exit 2 with one line") {
  TempDir dir;
  write_loop(dir.file("a.sqlite"), false);
  const std::string cand = " --candidate " + dir.file("a.sqlite");
  require_one_line_error(gate("--baseline " + dir.file("missing.json") + cand), "no such file");
  require_one_line_error(gate("--baseline " + dir.file("missing.sqlite") + cand), "missing.sqlite");
  std::ofstream(dir.file("corrupt.json")) << "{\"format\": \"perfadvise-gate-baseline\", ";
  require_one_line_error(gate("--baseline " + dir.file("corrupt.json") + cand), "not valid JSON");
  std::ofstream(dir.file("corrupt.sqlite")) << "not a database";
  require_one_line_error(
      gate("--baseline " + dir.file("a.sqlite") + " --candidate " + dir.file("corrupt.sqlite")),
      "corrupt.sqlite");
  std::ofstream(dir.file("gate.json")) << R"({"metrics": {"wall_time": {}}})";
  require_one_line_error(
      gate("--baseline " + dir.file("a.sqlite") + cand + " --config " + dir.file("gate.json")),
      "unknown metric 'wall_time'");
  require_one_line_error(
      gate("--baseline " + dir.file("a.sqlite") + cand + " --config " + dir.file("nope.json")),
      "nope.json");
}
