#include "gate/gate_config.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace perfadvise::gate {
namespace {

using nlohmann::json;

template <typename T>
void apply(std::optional<T> value, T& target) {
  if (value) target = *value;
}

void apply(const MetricOverride& o, MetricRule& rule) {
  apply(o.enabled, rule.enabled);
  apply(o.direction, rule.direction);
  apply(o.tolerance, rule.tolerance);
  apply(o.tolerance_pct, rule.tolerance_pct);
  apply(o.alpha, rule.alpha);
  apply(o.min_effect_pct, rule.min_effect_pct);
  apply(o.min_effect_ms, rule.min_effect_ms);
}

Result<double> number(const json& value, const std::string& where, double low, double high) {
  if (!value.is_number()) return make_error("{} must be a number", where);
  double x = value.get<double>();
  if (x < low || x > high)
    return make_error("{} must be between {} and {} (is {})", where, low, high, x);
  return x;
}

Result<std::set<std::string>> strings(const json& value, const std::string& where) {
  if (!value.is_array()) return make_error("{} must be a list of strings", where);
  std::set<std::string> out;
  for (const json& item : value) {
    if (!item.is_string()) return make_error("{} must be a list of strings", where);
    out.insert(item.get<std::string>());
  }
  return out;
}

Result<void> check_applies(const std::string& field, const std::string& metric, MetricKind kind) {
  const bool count_field = field == "tolerance" || field == "tolerance_pct";
  const bool timing_field =
      field == "alpha" || field == "min_effect_pct" || field == "min_effect_ms";
  if (count_field && kind != MetricKind::kCount) {
    return make_error("metrics.{}.{} applies to exact counts only", metric, field);
  }
  if (timing_field && kind != MetricKind::kTiming) {
    return make_error("metrics.{}.{} applies to timings only", metric, field);
  }
  if (field == "direction" && kind == MetricKind::kFindings) {
    return make_error("metrics.{}.direction does not apply to findings", metric);
  }
  return {};
}

Result<void> parse_field(const std::string& metric, const std::string& field, const json& value,
                         MetricOverride& o) {
  const std::string where = "metrics." + metric + "." + field;
  if (field == "enabled") {
    if (!value.is_boolean()) return make_error("{} must be true or false", where);
    o.enabled = value.get<bool>();
  } else if (field == "direction") {
    Direction d;
    if (!value.is_string() || !parse_direction(value.get<std::string>(), d)) {
      return make_error("{} must be lower_is_better, higher_is_better or either", where);
    }
    o.direction = d;
  } else if (field == "tolerance") {
    PA_ASSIGN_OR_RETURN(o.tolerance, number(value, where, 0, 1e18));
  } else if (field == "tolerance_pct") {
    PA_ASSIGN_OR_RETURN(o.tolerance_pct, number(value, where, 0, 1e6));
  } else if (field == "alpha") {
    PA_ASSIGN_OR_RETURN(o.alpha, number(value, where, 1e-12, 0.5));
  } else if (field == "min_effect_pct") {
    PA_ASSIGN_OR_RETURN(o.min_effect_pct, number(value, where, 0, 1e6));
  } else if (field == "min_effect_ms") {
    PA_ASSIGN_OR_RETURN(o.min_effect_ms, number(value, where, 0, 1e9));
  } else {
    return make_error(
        "unknown field '{}' (enabled, direction, tolerance, tolerance_pct, alpha, "
        "min_effect_pct, min_effect_ms)",
        where);
  }
  return {};
}

Result<MetricOverride> parse_metric(const std::string& metric, const json& entry) {
  MetricInfo info;
  if (!find_metric(metric, info)) {
    return make_error("unknown metric '{}' in metrics (see docs/gate.md for the list)", metric);
  }
  if (!entry.is_object()) return make_error("metrics.{} must be an object", metric);
  MetricOverride o;
  for (const auto& [field, value] : entry.items()) {
    PA_TRY(check_applies(field, metric, info.kind));
    PA_TRY(parse_field(metric, field, value, o));
  }
  return o;
}

Result<void> parse_section(const std::string& key, const json& value, GateConfig& config) {
  if (key == "alpha") {
    PA_ASSIGN_OR_RETURN(config.alpha, number(value, key, 1e-12, 0.5));
  } else if (key == "min_effect_pct") {
    PA_ASSIGN_OR_RETURN(config.min_effect_pct, number(value, key, 0, 1e6));
  } else if (key == "min_effect_ms") {
    PA_ASSIGN_OR_RETURN(config.min_effect_ms, number(value, key, 0, 1e9));
  } else if (key == "min_steps") {
    PA_ASSIGN_OR_RETURN(double steps, number(value, key, 2, 1e9));
    config.min_steps = static_cast<size_t>(steps);
  } else if (key == "ignore_rules") {
    PA_ASSIGN_OR_RETURN(config.ignore_rules, strings(value, key));
  } else if (key == "ignore_environment") {
    PA_ASSIGN_OR_RETURN(config.ignore_environment, strings(value, key));
  } else if (key == "metrics") {
    if (!value.is_object()) return make_error("metrics must be an object");
    for (const auto& [metric, entry] : value.items()) {
      PA_ASSIGN_OR_RETURN(config.metrics[metric], parse_metric(metric, entry));
    }
  } else {
    return make_error(
        "unknown key '{}' (alpha, min_effect_pct, min_effect_ms, min_steps, "
        "ignore_rules, ignore_environment, metrics)",
        key);
  }
  return {};
}

}  // namespace

MetricRule GateConfig::rule_for(const std::string& metric) const {
  MetricRule rule;
  MetricInfo info;
  if (find_metric(metric, info)) {
    rule.enabled = info.enabled_by_default;
    rule.direction = info.direction;
  }
  rule.alpha = alpha;
  rule.min_effect_pct = min_effect_pct;
  rule.min_effect_ms = min_effect_ms;
  const std::string family(family_of(metric));
  if (auto f = metrics.find(family); f != metrics.end() && family != metric) apply(f->second, rule);
  if (auto m = metrics.find(metric); m != metrics.end()) apply(m->second, rule);
  return rule;
}

Result<GateConfig> parse_gate_config(const std::string& text, const std::string& path) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return make_error("{}: not valid JSON", path);
  if (!doc.is_object()) return make_error("{}: a gate config must be a JSON object", path);
  GateConfig config;
  for (const auto& [key, value] : doc.items()) {
    auto parsed = parse_section(key, value, config);
    if (!parsed.ok()) return make_error("{}: {}", path, parsed.error().message);
  }
  return config;
}

Result<GateConfig> load_gate_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("{}: cannot read the gate config (no such file?)", path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_gate_config(text.str(), path);
}

}  // namespace perfadvise::gate
