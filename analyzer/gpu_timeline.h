// The GPU's busy time and its idle time split three ways (after Holistic Trace Analysis):
//  - host wait: the GPU drained while the host was blocked in a sync or blocking copy, and stays
//    starved until the host is ahead again (every next op launched only after the GPU went
//    idle). Capped at the host's blocked time: without the sync the host would have been ahead
//    by at most that much, so no more idle can be blamed on it.
//  - launch gap: any other gap up to kLaunchGapMaxNs: the host launching back-to-back ops.
//  - other: longer gaps (Python work, data loading, dependencies on other streams).
#pragma once

#include <vector>

#include "analyzer/host_blocks.h"
#include "profile/profile.h"

namespace perfadvise {

inline constexpr TimeNs kLaunchGapMaxNs = 100'000;        // 100 us
inline constexpr TimeNs kSyncReturnToleranceNs = 10'000;  // a sync returns this soon after drain

enum class IdleKind : uint8_t { kHostWait, kLaunchGap, kOther };

struct TimeInterval {
  TimeNs start = 0;
  TimeNs end = 0;
};

struct IdleSegment {
  TimeNs start = 0;
  TimeNs end = 0;
  IdleKind kind = IdleKind::kOther;
  uint32_t block = UINT32_MAX;  // host_blocks index for kHostWait
};

struct GpuTimeline {
  std::vector<TimeInterval> busy;  // union of kernels, copies and memsets, sorted, disjoint
  std::vector<IdleSegment> idle;   // the gaps between busy intervals, sorted
};

/// Builds the timeline and records in each HostBlock the GPU idle it caused.
GpuTimeline build_gpu_timeline(const Profile& profile, std::vector<HostBlock>& blocks);

}  // namespace perfadvise
