// The collector samples per-launch detail by default and marks the windows without it ("launch
// detail off"): only steps wholly inside the windows with it reach metrics and rules.
#include <algorithm>

#include <catch2/catch.hpp>

#include "analyzer/analyzer.h"
#include "reports/analysis_json.h"
#include "reports/common.h"
#include "tests/support/profile_builder.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

constexpr TimeNs kMs = 1'000'000;
constexpr TimeNs kUs = 1'000;

void detail_off(ProfileBuilder& b, TimeNs start, TimeNs end) {
  b.collector_range(kLaunchDetailOffRange, start, end);
}

// The collector's output for launches inside an off window: kernels, no launch API records.
void drop_launch_records_in(Profile& p, const std::vector<std::pair<TimeNs, TimeNs>>& off) {
  std::erase_if(p.api_calls, [&](const ApiCall& c) {
    return std::any_of(off.begin(), off.end(),
                       [&](auto w) { return c.start >= w.first && c.start < w.second; });
  });
}

// 40 steps of 10 ms with 10 launch-bound kernels each (100 us of work every 300 us); launch
// detail is off for steps 10-17, 20-27 and 30-37, and from the middle of step 39 on.
Profile sampled_run() {
  ProfileBuilder b;
  constexpr TimeNs kStep = 10 * kMs;
  for (int i = 0; i < 40; ++i) {
    const TimeNs start = i * kStep;
    b.nvtx_range("step#" + std::to_string(i), start, start + kStep - kMs);
    for (int k = 0; k < 10; ++k) {
      const TimeNs launch = start + k * 300 * kUs;
      b.launch("elementwise_kernel", launch, launch + 10 * kUs, 100 * kUs);
    }
  }
  const std::vector<std::pair<TimeNs, TimeNs>> off{{10 * kStep - kMs, 18 * kStep - kMs},
                                                   {20 * kStep - kMs, 28 * kStep - kMs},
                                                   {30 * kStep - kMs, 38 * kStep - kMs},
                                                   {39 * kStep + 5 * kMs, 41 * kStep}};
  for (auto [from, to] : off)
    detail_off(b, from, to);
  b.profile().provenance.extra["collector.launch_detail"] =
      "sampled: first 10000 ms, then 1000 ms in every 5000 ms";
  drop_launch_records_in(b.profile(), off);
  return b.build();
}

// The analysis keeps pointers into `profiles`: the caller keeps them alive.
ProcessAnalysis analyzed(const std::vector<Profile>& profiles,
                         const std::string& regex = "^step#") {
  AnalysisOptions options;
  options.steps_regex = regex;
  auto analysis = analyze(profiles, options);
  REQUIRE(analysis.ok());
  return analysis->processes.front();
}

}  // namespace

TEST_CASE("only steps inside launch-detail windows are analyzed") {
  const std::vector<Profile> profiles{sampled_run()};
  const ProcessAnalysis process = analyzed(profiles);
  REQUIRE(process.launch_detail.has_value());
  const LaunchDetailSampling& d = *process.launch_detail;
  CHECK(d.schedule == "first 10000 ms, then 1000 ms in every 5000 ms");
  CHECK(d.steps == 39);  // step 0 is warm-up
  // 1-9, 18-19, 28-29, 38: step 39 lost its detail halfway.
  CHECK(d.analyzed_steps == 14);
  CHECK(d.note.empty());
  REQUIRE(process.per_step.size() == 14);
  // Every analyzed step has the API records of its 10 launches.
  for (const StepMetrics& m : process.per_step)
    CHECK(m.kernel_launches == 10);
  Analysis analysis;
  analysis.processes.push_back(process);
  const auto json = analysis_to_json(analysis, ReportOptions{});
  CHECK(json["launch_detail"]["analyzed_steps"] == 14);
  CHECK(json["processes"][0]["launch_detail"]["steps"] == 39);
  CHECK_THAT(launch_detail_line(d),
             Catch::StartsWith("launch detail sampled (first 10000 ms, then 1000 ms in every "
                               "5000 ms): 14 of 39 steps analyzed"));
}

TEST_CASE("steps longer than the windows: all analyzed, and the note says what is partial") {
  ProfileBuilder b;
  for (int i = 0; i < 5; ++i) {
    const TimeNs start = i * 2000 * kMs;
    b.nvtx_range("step#" + std::to_string(i), start, start + 1900 * kMs);
    b.launch("gemm_kernel", start + kMs, start + 2 * kMs, 1000 * kMs);
    detail_off(b, start + 500 * kMs, start + 1500 * kMs);
  }
  const std::vector<Profile> profiles{b.build()};
  const ProcessAnalysis process = analyzed(profiles);
  REQUIRE(process.launch_detail.has_value());
  CHECK(process.launch_detail->analyzed_steps == 4);
  CHECK(process.per_step.size() == 4);
  CHECK_THAT(process.launch_detail->note, Catch::Contains("--launch-detail all"));
}

TEST_CASE("a one-window detection is cut into the launch-detail windows") {
  ProfileBuilder b;
  // No NVTX and no repeating kernel sequence: one steady-state window after the first 10%.
  for (int i = 0; i < 400; ++i) {
    const TimeNs t = i * 5 * kMs;
    b.launch("kernel_" + std::to_string(i), t, t + 10 * kUs, 2 * kMs);
  }
  for (TimeNs off = 600 * kMs; off < 2000 * kMs; off += 500 * kMs) {
    detail_off(b, off, off + 400 * kMs);
  }
  const std::vector<Profile> profiles{b.build()};
  const ProcessAnalysis process = analyzed(profiles, "");
  REQUIRE(process.steps.method == StepMethod::kWindow);
  REQUIRE(process.launch_detail.has_value());
  CHECK(process.launch_detail->steps == 1);
  // The steady state is [0.2, 2.0) s; with detail: [0.2, 0.6), [1.0, 1.1) and [1.5, 1.6).
  REQUIRE(process.steps.steps.size() == 3);
  CHECK(process.steps.steps[1].start == 1000 * kMs);
  CHECK(process.steps.steps[1].end == 1100 * kMs);
  CHECK_THAT(process.steps.description, Catch::Contains("launch detail"));
}

TEST_CASE("every launch's detail: no sampling reported") {
  ProfileBuilder b;
  for (int i = 0; i < 10; ++i) {
    b.nvtx_range("step#" + std::to_string(i), i * 10 * kMs, i * 10 * kMs + 9 * kMs);
    b.launch("k", i * 10 * kMs, i * 10 * kMs + kUs, kMs);
  }
  const std::vector<Profile> profiles{b.build()};
  CHECK_FALSE(analyzed(profiles).launch_detail.has_value());
}
