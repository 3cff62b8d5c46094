// The catalogue of gated metrics: their names, whether they are timings (statistical gate) or
// exact counts, and the defaults a gate.json may override.
#pragma once

#include <string>
#include <string_view>

namespace perfadvise::gate {

enum class MetricKind { kTiming, kCount, kFindings };

/// Which change counts as a regression.
enum class Direction {
  kLowerIsBetter,   // an increase beyond tolerance fails
  kHigherIsBetter,  // a decrease beyond tolerance fails
  kEither,          // any change beyond tolerance fails
};

/// The metric that gates findings that are new in the candidate.
inline constexpr std::string_view kNewFindings = "findings.new";

struct MetricInfo {
  MetricKind kind = MetricKind::kCount;
  bool enabled_by_default = true;
  Direction direction = Direction::kLowerIsBetter;
  std::string_view unit;         // "ms", "/step", "B/step"
  std::string_view description;  // for docs and the report
};

/// Looks up a metric ("wall_ms", "syncs.stream") or a family ("syncs", "category_ms").
/// Returns false when the name is not in the catalogue.
bool find_metric(std::string_view name, MetricInfo& info);

/// The family of a metric ("syncs" for "syncs.stream"); the name itself when it has none.
std::string_view family_of(std::string_view name);

std::string_view direction_name(Direction direction);
bool parse_direction(std::string_view text, Direction& direction);

}  // namespace perfadvise::gate
