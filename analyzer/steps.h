// Step detection: what one iteration of the user's loop is, so that every metric and saving can
// be given per step. NVTX ranges first (the user's regex, else PyTorch's ProfilerStep#N, else a
// numbered range family such as step#0, step#1, ...), then the period of the kernel launch
// sequence, then one steady-state window. Warm-up is set apart.
#pragma once

#include <string>

#include "analyzer/analysis.h"
#include "profile/result.h"

namespace perfadvise {

/// PyTorch's profiler step ranges, the default when the user gives no regex.
inline constexpr const char* kProfilerStepRegex = R"(^ProfilerStep#\d+$)";

/// Detects the steps of one process. Fails only on an invalid regex.
Result<StepDetection> detect_steps(const Profile& profile, const std::string& user_regex);

/// Steps from NVTX ranges whose name matches `regex` (outermost ranges only); empty if none.
std::vector<Step> nvtx_steps(const Profile& profile, const std::string& regex);

/// Steps from a numbered NVTX range family ("step#0", "step#1", ...: the same prefix, numbers
/// counting up by one, ranges one after another, at least 3); each step lasts from its range's
/// start to the next range's start, the last range is not a step. `family` gets "step#N".
/// Empty when no family qualifies (the one spanning the longest time wins).
std::vector<Step> numbered_nvtx_steps(const Profile& profile, std::string* family = nullptr);

/// Steps from the repeating period of the kernel-name sequence; empty if it does not repeat.
std::vector<Step> periodic_steps(const Profile& profile, size_t* period_kernels = nullptr);

/// Moves leading steps that pay one-time costs into `detection.warmup`: the first step when
/// there are at least 4, then any following step slower than 1.5x the median of the later half.
void split_warmup(StepDetection& detection);

}  // namespace perfadvise
