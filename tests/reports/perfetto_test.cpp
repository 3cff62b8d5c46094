// Perfetto and Chrome traces: decoded by protoc against the trimmed proto, and checked for
// structure by an independent reader.
#include <cstdio>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "analyzer/analyzer.h"
#include "profile/reader.h"
#include "reports/reporter.h"
#include "tests/reports/fixture.h"
#include "tests/reports/perfetto_check.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

std::string export_as(const std::string& format, const Analysis& analysis) {
  auto reporter = make_reporter(format);
  REQUIRE(reporter.ok());
  std::ostringstream out;
  REQUIRE((*reporter)->write(analysis, {}, out).ok());
  return out.str();
}

}  // namespace

TEST_CASE("perfetto: well-formed tracks, slices, flows and findings") {
  auto fx = make_report_fixture();
  PerfettoSummary s = check_perfetto(export_as("perfetto", fx->analysis));
  INFO((s.problems.empty() ? "" : s.problems.front()));
  CHECK(s.problems.empty());
  const Profile& p = fx->profile;
  CHECK(s.flows == p.kernels.size() + p.memcpys.size());
  CHECK(s.slices_by_name["cudaLaunchKernel"] == p.kernels.size());
  CHECK(s.slices_by_name[kHostileKernel] > 0);
  CHECK(s.slices_by_name["sync wait (stream)"] == p.syncs.size());
  CHECK(s.callstacks == p.syncs.size());
  auto has_track = [&](const std::string& name) {
    return std::find(s.track_names.begin(), s.track_names.end(), name) != s.track_names.end();
  };
  CHECK(has_track("thread 1000"));
  CHECK(has_track("GPU 0 stream 7"));
  CHECK(has_track("NVTX (thread 1000)"));
  CHECK(has_track("finding 1: SYNC-D2H"));
}

TEST_CASE("perfetto: overlapping kernels on one stream go to child tracks") {
  auto fx = make_report_fixture({1, 4, false});
  Kernel k = fx->profile.kernels[0];
  k.start += 5000;  // overlaps the first kernel without nesting in it
  k.end += 5000;
  k.correlation_id = 0;
  fx->profile.kernels.push_back(k);
  fx->profile.build_indexes();
  PerfettoSummary s = check_perfetto(export_as("perfetto", fx->analysis));
  CHECK(s.problems.empty());
  CHECK(std::count(s.track_names.begin(), s.track_names.end(), "GPU 0 stream 7 (overlap 1)") == 1);
}

TEST_CASE("perfetto: a profile without findings exports") {
  auto fx = make_report_fixture({2, 3, false});
  PerfettoSummary s = check_perfetto(export_as("perfetto", fx->analysis));
  CHECK(s.problems.empty());
  CHECK(s.slices > 0);
}

TEST_CASE("perfetto: protoc decodes the trace with the trimmed proto") {
  if (std::system("protoc --version > /dev/null 2>&1") != 0) {
    WARN("protoc is not installed (scripts/setup.sh --tests): decode check skipped");
    return;
  }
  auto fx = make_report_fixture({2, 10, true});
  TempDir dir;
  std::string trace = dir.file("trace.pftrace"), text = dir.file("trace.txt");
  std::ofstream(trace, std::ios::binary) << export_as("perfetto", fx->analysis);
  std::string proto_dir = PERFADVISE_TESTS_REPORTS_DIR;
  std::string command = "protoc --proto_path=" + proto_dir +
                        " --decode=perfetto.protos.Trace perfetto_trimmed.proto < " + trace +
                        " > " + text;
  REQUIRE(std::system(command.c_str()) == 0);
  std::stringstream decoded;
  decoded << std::ifstream(text).rdbuf();
  std::string out = decoded.str();
  CHECK(out.find("type: TYPE_SLICE_BEGIN") != std::string::npos);
  CHECK(out.find("terminating_flow_ids:") != std::string::npos);
  CHECK(out.find("source_file: \"/home/user/proj/loss.py\"") != std::string::npos);
  CHECK(out.find("thread_name: \"thread 1000\"") != std::string::npos);
  // Unknown fields would show as bare numbers: every field must be in the trimmed proto.
  CHECK(out.find("\n  1: ") == std::string::npos);
}

TEST_CASE("chrome: valid JSON with complete events and paired flows") {
  auto fx = make_report_fixture();
  auto j = nlohmann::json::parse(export_as("chrome", fx->analysis));
  size_t complete = 0, starts = 0, ends = 0;
  for (const auto& e : j["traceEvents"]) {
    complete += e["ph"] == "X";
    starts += e["ph"] == "s";
    ends += e["ph"] == "f";
  }
  CHECK(complete > fx->profile.kernels.size());
  CHECK(starts == ends);
  CHECK(starts == fx->profile.kernels.size() + fx->profile.memcpys.size());
}

TEST_CASE("perfetto: the recorded samples pass the structure and protoc decode checks") {
  for (const char* name : {"masked_loss_baseline", "decode_loop", "plain_cuda"}) {
    std::string path = std::string(PERFADVISE_SAMPLES_DIR) + "/" + name + ".sqlite";
    if (!std::ifstream(path)) {
      WARN(path << " is missing: sample check skipped");
      continue;
    }
    auto profiles = load_profiles(path);
    REQUIRE(profiles.ok());
    auto analysis = analyze(*profiles, {});
    REQUIRE(analysis.ok());
    std::string trace = export_as("perfetto", *analysis);
    PerfettoSummary s = check_perfetto(trace);
    INFO(name << ": " << (s.problems.empty() ? "" : s.problems.front()));
    CHECK(s.problems.empty());
    CHECK(s.flows > 0);
    if (std::system("protoc --version > /dev/null 2>&1") != 0) continue;
    TempDir dir;
    std::ofstream(dir.file("t.pftrace"), std::ios::binary) << trace;
    std::string command = "protoc --proto_path=" + std::string(PERFADVISE_TESTS_REPORTS_DIR) +
                          " --decode=perfetto.protos.Trace perfetto_trimmed.proto < " +
                          dir.file("t.pftrace") + " > " + dir.file("t.txt");
    CHECK(std::system(command.c_str()) == 0);
  }
}
