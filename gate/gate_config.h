// gate.json: per-metric on/off, tolerances and statistical thresholds. docs/gate.md documents
// the format; every key is checked, so a typo is an error (exit 2), not a silently ignored gate.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "gate/metrics.h"
#include "profile/result.h"

namespace perfadvise::gate {

/// The settings that apply to one metric after defaults, family and metric entries are merged.
struct MetricRule {
  bool enabled = true;
  Direction direction = Direction::kLowerIsBetter;
  double tolerance = 0;         // counts: allowed change per step, absolute
  double tolerance_pct = 0;     // counts: allowed change, % of the baseline
  double alpha = 0.01;          // timings: significance level of the rank test
  double min_effect_pct = 5;    // timings: smallest shift that fails, % of the baseline median
  double min_effect_ms = 0.05;  // timings: and at least this many ms per step
};

/// One "metrics" entry of gate.json; unset fields fall through to the family, then defaults.
struct MetricOverride {
  std::optional<bool> enabled;
  std::optional<Direction> direction;
  std::optional<double> tolerance;
  std::optional<double> tolerance_pct;
  std::optional<double> alpha;
  std::optional<double> min_effect_pct;
  std::optional<double> min_effect_ms;
};

struct GateConfig {
  double alpha = 0.01;
  double min_effect_pct = 5;
  double min_effect_ms = 0.05;
  size_t min_steps = 9;  // fewer measured steps on either side: timings are shown, not gated
  std::map<std::string, MetricOverride> metrics;  // metric or family name -> override
  std::set<std::string> ignore_rules;             // findings of these rules never fail
  std::set<std::string> ignore_environment;       // environment keys that do not make it stale

  /// Defaults <- family entry <- metric entry.
  MetricRule rule_for(const std::string& metric) const;
};

/// Reads gate.json. Errors name the file and the key: unreadable, not JSON, unknown metric,
/// unknown field, wrong type, out-of-range value.
Result<GateConfig> load_gate_config(const std::string& path);

/// Parses gate.json text; `path` is used in error messages.
Result<GateConfig> parse_gate_config(const std::string& text, const std::string& path);

}  // namespace perfadvise::gate
