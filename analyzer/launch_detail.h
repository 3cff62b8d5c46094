// The collector keeps per-launch detail — launch API records, GEMM shapes, kernel lines — in
// sampled windows by default (docs/collector.md, "Launch detail"): it costs about 1 us per
// launch. Steps outside the windows lack what launch gaps (GPU-IDLE), GEMM and op attribution
// and data-dependent triggers need, so the analyzer reads the steps wholly inside them. Steps
// repeat the same work, so a sample of them tells what they all do.
#pragma once

#include <optional>
#include <string>

#include "analyzer/analysis.h"

namespace perfadvise {

/// Keeps in `steps.steps` only the steps wholly inside launch-detail windows: a one-window
/// detection is cut into the windows themselves; when fewer than 3 steps fit (steps longer than
/// the windows), all are kept and the note says so. nullopt when the profile has every launch's
/// detail (`--launch-detail all`, or an older profile).
std::optional<LaunchDetailSampling> keep_launch_detail_steps(const Profile& profile,
                                                             StepDetection& steps);

}  // namespace perfadvise
