#include "analyzer/collector_ranges.h"

#include <algorithm>

namespace perfadvise {

std::vector<Step> collector_ranges(const Profile& profile, std::string_view name) {
  std::vector<Step> ranges;
  for (const NvtxEvent& e : profile.nvtx) {
    if (e.kind != NvtxKind::kRange || e.name >= profile.strings.size() ||
        e.domain >= profile.strings.size()) {
      continue;
    }
    if (profile.strings[e.domain] == kPerfadviseNvtxDomain && profile.strings[e.name] == name) {
      ranges.push_back(Step{e.start, e.end, std::string(name)});
    }
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const Step& a, const Step& b) { return a.start < b.start; });
  return ranges;
}

Coverage coverage_by(const Step& step, const std::vector<Step>& windows) {
  // Disjoint and sorted: only the first window ending after the step's start matters.
  auto it = std::lower_bound(windows.begin(), windows.end(), step.start,
                             [](const Step& w, TimeNs t) { return w.end <= t; });
  if (it == windows.end() || !(step.start < it->end && it->start < step.end)) {
    return Coverage::kOutside;
  }
  return step.start >= it->start && step.end <= it->end ? Coverage::kInside : Coverage::kAcross;
}

}  // namespace perfadvise
