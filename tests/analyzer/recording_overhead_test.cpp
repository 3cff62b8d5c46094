// perfadvise run --measure-overhead: steps inside the collector's "recording paused" ranges are
// compared with the recorded ones, and only recorded steps reach metrics and rules.
#include <catch2/catch.hpp>

#include "analyzer/analyzer.h"
#include "analyzer/recording_overhead.h"
#include "analyzer/steps.h"
#include "tests/support/profile_builder.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

constexpr TimeNs kMs = 1'000'000;
constexpr TimeNs kStepPeriod = 12 * kMs;

void pause(ProfileBuilder& b, TimeNs start, TimeNs end) {
  b.collector_range(kRecordingPausedRange, start, end);
}

// 60 steps of 11 ms (recorded, one kernel each) or 10 ms (paused, no kernels); pauses hold
// steps 10-19, 30-39 and, from the middle of step 50 on, 51-59: step 50 is half traced.
Profile windowed_run() {
  ProfileBuilder b;
  auto paused = [](int i) { return (i >= 10 && i < 20) || (i >= 30 && i < 40) || i >= 50; };
  for (int i = 0; i < 60; ++i) {
    const TimeNs start = i * kStepPeriod;
    const bool recorded = !paused(i) || i == 50;
    b.nvtx_range("step#" + std::to_string(i), start, start + (recorded ? 11 : 10) * kMs);
    if (recorded) b.launch("elementwise_kernel", start + 10'000, start + 20'000, 10 * kMs);
  }
  pause(b, 10 * kStepPeriod - kMs / 2, 20 * kStepPeriod - kMs);
  pause(b, 30 * kStepPeriod - kMs / 2, 40 * kStepPeriod - kMs);
  pause(b, 50 * kStepPeriod + 5 * kMs, 60 * kStepPeriod);
  return b.build();
}

}  // namespace

TEST_CASE("recorded and paused steps are compared; mixed ones belong to neither side") {
  const Profile p = windowed_run();
  AnalysisOptions options;
  options.steps_regex = "^step#";
  auto analysis = analyze({p}, options);
  REQUIRE(analysis.ok());
  const ProcessAnalysis& process = analysis->processes.front();
  REQUIRE(process.recording_overhead.has_value());
  const RecordingOverhead& o = *process.recording_overhead;
  CHECK(o.note.empty());
  CHECK(o.paused_steps == 29);    // 10 + 10 + 9: step 50 is half traced
  CHECK(o.recorded_steps == 29);  // 1-9, 20-29, 40-49: step 0 is warm-up
  CHECK(o.ratio == Approx(1.1));
  CHECK(o.pooled_ratio == Approx(1.1));
  CHECK(o.window_pairs == 3);
  CHECK(o.pair_ratio.min == Approx(1.1));
  CHECK(o.pair_ratio.max == Approx(1.1));
  // Metrics and rules only see traced steps.
  CHECK(process.steps.steps.size() == 29);
  CHECK(process.per_step.size() == 29);
  for (const StepMetrics& m : process.per_step)
    CHECK(m.kernels == 1);
  CHECK(o.of == "recording");
}

TEST_CASE("--overhead-of: the profile says which capture the pauses switched off") {
  Profile p = windowed_run();
  p.provenance.extra["collector.overhead_of"] = "gemm-shapes";
  AnalysisOptions options;
  options.steps_regex = "^step#";
  auto analysis = analyze({p}, options);
  REQUIRE(analysis.ok());
  REQUIRE(analysis->processes.front().recording_overhead.has_value());
  CHECK(analysis->processes.front().recording_overhead->of == "gemm-shapes");
}

TEST_CASE("the collector's own ranges are never steps, even for a regex that matches all") {
  const Profile p = windowed_run();
  const std::vector<Step> steps = nvtx_steps(p, ".");
  CHECK(steps.size() == 60);
  for (const Step& s : steps)
    CHECK(s.name.rfind("step#", 0) == 0);
}

TEST_CASE("without pauses there is no overhead section; without NVTX steps it says why") {
  ProfileBuilder plain;
  for (int i = 0; i < 8; ++i)
    plain.nvtx_range("step#" + std::to_string(i), i * kStepPeriod, i * kStepPeriod + 11 * kMs);
  auto analysis = analyze({plain.build()}, AnalysisOptions{"^step#", 0});
  REQUIRE(analysis.ok());
  CHECK_FALSE(analysis->processes.front().recording_overhead.has_value());

  ProfileBuilder kernels_only;
  for (int i = 0; i < 40; ++i) {
    const TimeNs start = i * kStepPeriod;
    kernels_only.launch("gemm_kernel", start, start + 10'000, 5 * kMs);
    kernels_only.launch("elementwise_kernel", start + 5 * kMs, start + 5 * kMs + 20'000, kMs);
  }
  pause(kernels_only, 20 * kStepPeriod, 30 * kStepPeriod);
  auto without_nvtx = analyze({kernels_only.build()}, AnalysisOptions{});
  REQUIRE(without_nvtx.ok());
  const auto& o = without_nvtx->processes.front().recording_overhead;
  REQUIRE(o.has_value());
  CHECK(o->ratio == 0);
  CHECK(o->note.find("NVTX step ranges") != std::string::npos);
}
