// The windows the collector marked in the profile with NVTX ranges in perfadvise's own domain:
// recording paused by `--measure-overhead` (kRecordingPausedRange), launch detail off outside
// its sampled windows (kLaunchDetailOffRange). Never the user's steps (steps.cpp skips them).
#pragma once

#include <string_view>
#include <vector>

#include "analyzer/analysis.h"

namespace perfadvise {

/// The collector's ranges of this name, time-sorted. Empty for a profile without them.
std::vector<Step> collector_ranges(const Profile& profile, std::string_view name);

/// Where a step lies against time-sorted, disjoint windows.
enum class Coverage { kOutside, kInside, kAcross };
Coverage coverage_by(const Step& step, const std::vector<Step>& windows);

}  // namespace perfadvise
