#include "analyzer/data_warnings.h"

#include <fmt/format.h>

namespace perfadvise {
namespace {

std::string shared_ids(const std::vector<uint32_t>& ids) {
  if (ids.size() == 1) return fmt::format("correlation id {}", ids.front());
  return fmt::format("{} correlation ids (first: {})", ids.size(), ids.front());
}

}  // namespace

std::vector<std::string> data_warnings(const Profile& profile) {
  std::vector<std::string> out;
  if (profile.stats.dropped_records > 0) {
    out.push_back(
        fmt::format("CUPTI dropped {} records when its buffers were full: the timeline has gaps",
                    profile.stats.dropped_records));
  }
  if (!profile.repeated_api_correlations.empty()) {
    out.push_back(fmt::format(
        "{} API calls share {}, so their kernels, copies and call "
        "sites are not linked to a launch: launch gaps and source lines are missing for them "
        "(--measure-overhead's pauses can cause this: docs/collector.md)",
        profile.api_calls_with_repeated_correlation,
        shared_ids(profile.repeated_api_correlations)));
  }
  return out;
}

}  // namespace perfadvise
