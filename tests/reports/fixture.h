// A synthetic run for the reporter tests: a training loop with NVTX steps, kernels, a
// data-dependent sync per step (loss.py:28 torch.nonzero) and the findings an analyzer would
// report on it. Kernel names include HTML and script text to test escaping.
#pragma once

#include <memory>

#include "analyzer/analysis.h"

namespace perfadvise::testing {

inline constexpr const char* kHostileKernel = "<img src=x onerror=alert(1)>";

struct ReportFixture {
  Profile profile;
  Analysis analysis;
};

struct FixtureShape {
  int steps = 6;
  int kernels_per_step = 40;
  bool with_findings = true;
};

/// The analysis points into the fixture's own profile, so it is handed out by pointer.
std::unique_ptr<ReportFixture> make_report_fixture(const FixtureShape& shape = {});

}  // namespace perfadvise::testing
