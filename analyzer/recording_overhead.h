// `perfadvise run --measure-overhead`: the collector paused recording in every other window and
// marked the pauses with NVTX ranges (profile/model.h, kRecordingPausedRange). Steps inside a
// pause ran untraced; steps outside ran traced. Comparing the two inside one process cancels
// the drift that makes run-to-run comparisons on a shared GPU machine useless.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analyzer/analysis.h"

namespace perfadvise {

/// Removes from `steps.steps` every step that is not fully recorded (those inside or across a
/// pause), so that metrics and rules only see traced steps, and measures what tracing cost.
/// nullopt when the profile has no pauses.
std::optional<RecordingOverhead> split_paused_steps(const Profile& profile, StepDetection& steps);

}  // namespace perfadvise
