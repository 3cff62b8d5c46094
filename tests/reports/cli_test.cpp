// `perfadvise report` and `perfadvise export` end to end: a profile file written through the real
// writer, analyzed by the real analyzer, turned into HTML and traces.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/reports/perfetto_check.h"
#include "tests/support/profile_builder.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

constexpr TimeNs kUs = 1000;

// Ten steps of a masked loss: kernels, then nonzero's D2H copy and the sync that waits for it.
std::string write_profile(const TempDir& dir) {
  ProfileBuilder b;
  TimeNs t = 0;
  for (int step = 0; step < 10; ++step) {
    TimeNs start = t;
    for (int i = 0; i < 30; ++i, t += 30 * kUs) {
      b.launch(i == 3 ? "<img src=x onerror=alert(1)>" : "elementwise_kernel", t, t + 5 * kUs,
               25 * kUs);
    }
    uint32_t copy = b.copy(MemcpyKind::kDtoH, 8, t, t + 3 * kUs, t + kUs, t + 2 * kUs);
    b.call_site(copy, {{"/proj/loss.py", "masked_loss", 28}}, 0, "aten::nonzero");
    uint32_t sync = b.sync(SyncType::kStreamSynchronize, t + 4 * kUs, t + 2004 * kUs);
    b.call_site(sync, {{"/proj/loss.py", "masked_loss", 28}}, 0, "aten::nonzero");
    t += 2100 * kUs;
    b.nvtx_range("ProfilerStep#" + std::to_string(step), start, t);
    t += 10 * kUs;
  }
  std::string path = dir.file("rank0.sqlite");
  REQUIRE(b.write(path).ok());
  return path;
}

std::string slurp(const std::string& path) {
  std::stringstream s;
  s << std::ifstream(path, std::ios::binary).rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("perfadvise report writes a self-contained HTML file") {
  TempDir dir;
  std::string profile = write_profile(dir), html = dir.file("report.html");
  CommandResult r = run_command(std::string(PERFADVISE_CLI) + " report " + shell_quote(profile) +
                                " -o " + shell_quote(html));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find(html) != std::string::npos);
  std::string page = slurp(html);
  CHECK(page.find("id=\"tl-canvas\"") != std::string::npos);
  CHECK(page.find("<img src=x") == std::string::npos);
  CHECK(page.find("ProfilerStep") != std::string::npos);
}

TEST_CASE("perfadvise export writes Perfetto and Chrome traces") {
  TempDir dir;
  std::string profile = write_profile(dir);
  std::string pf = dir.file("trace.pftrace"), chrome = dir.file("trace.json");
  CommandResult r =
      run_command(std::string(PERFADVISE_CLI) + " export " + shell_quote(profile) + " --perfetto " +
                  shell_quote(pf) + " --chrome " + shell_quote(chrome));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  PerfettoSummary s = check_perfetto(slurp(pf));
  CHECK(s.problems.empty());
  CHECK(s.flows == 310);  // 300 launches + 10 copies
  CHECK(slurp(chrome).rfind("{\"traceEvents\":[", 0) == 0);
}

TEST_CASE("perfadvise export needs an output") {
  TempDir dir;
  std::string profile = write_profile(dir);
  CommandResult r = run_command(std::string(PERFADVISE_CLI) + " export " + shell_quote(profile));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--perfetto") != std::string::npos);
}
