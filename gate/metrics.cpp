#include "gate/metrics.h"

#include <array>

namespace perfadvise::gate {
namespace {

struct Entry {
  std::string_view name;
  bool family;  // "name.<key>" members, e.g. syncs.stream
  MetricInfo info;
};

constexpr Direction kLower = Direction::kLowerIsBetter;

// clang-format off
constexpr std::array kCatalogue = {
  Entry{"wall_ms", false, {MetricKind::kTiming, true, kLower, "ms", "step wall time"}},
  Entry{"gpu_busy_ms", false, {MetricKind::kTiming, true, kLower, "ms", "GPU busy time per step"}},
  Entry{"category_ms", true, {MetricKind::kTiming, true, kLower, "ms", "GPU time per kernel category per step"}},
  Entry{"idle_host_wait_ms", false, {MetricKind::kTiming, false, kLower, "ms", "GPU idle while the host waits in a sync"}},
  Entry{"idle_launch_gap_ms", false, {MetricKind::kTiming, false, kLower, "ms", "GPU idle between launches"}},
  Entry{"idle_other_ms", false, {MetricKind::kTiming, false, kLower, "ms", "other GPU idle time"}},
  Entry{"kernel_launches", false, {MetricKind::kCount, true, kLower, "/step", "kernel launches per step"}},
  Entry{"graph_launches", false, {MetricKind::kCount, true, Direction::kEither, "/step", "CUDA graph launches per step"}},
  Entry{"allocations", false, {MetricKind::kCount, true, kLower, "/step", "cudaMalloc/cudaFree calls per step"}},
  Entry{"pageable_copies", false, {MetricKind::kCount, true, kLower, "/step", "copies from or to pageable memory per step"}},
  Entry{"syncs", true, {MetricKind::kCount, true, kLower, "/step", "host-device syncs per step, by kind"}},
  Entry{"copies", true, {MetricKind::kCount, true, kLower, "/step", "copies per step, by direction"}},
  Entry{"bytes", true, {MetricKind::kCount, true, kLower, "B/step", "bytes copied per step, by direction"}},
  Entry{"findings.new", false, {MetricKind::kFindings, true, kLower, "", "findings not in the baseline"}},
};
// clang-format on

}  // namespace

std::string_view family_of(std::string_view name) {
  if (name == kNewFindings) return name;
  size_t dot = name.find('.');
  return dot == std::string_view::npos ? name : name.substr(0, dot);
}

bool find_metric(std::string_view name, MetricInfo& info) {
  const std::string_view family = family_of(name);
  const bool member = family != name;
  for (const Entry& e : kCatalogue) {
    if (e.name != family || (member && !e.family)) continue;
    if (member && name.size() == family.size() + 1) return false;  // "syncs." without a key
    info = e.info;
    return true;
  }
  return false;
}

std::string_view direction_name(Direction direction) {
  switch (direction) {
    case Direction::kHigherIsBetter:
      return "higher_is_better";
    case Direction::kEither:
      return "either";
    default:
      return "lower_is_better";
  }
}

bool parse_direction(std::string_view text, Direction& direction) {
  for (Direction d : {Direction::kLowerIsBetter, Direction::kHigherIsBetter, Direction::kEither}) {
    if (direction_name(d) == text) {
      direction = d;
      return true;
    }
  }
  return false;
}

}  // namespace perfadvise::gate
