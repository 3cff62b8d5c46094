#include "reports/analysis_json.h"

#include "reports/profile_info.h"

#include <functional>
#include <set>

#include "profile/version.h"
#include "reports/common.h"

namespace perfadvise {
namespace {

using nlohmann::json;

json step_to_json(const Step& step, const StepMetrics* metrics) {
  json out = {{"name", step.name},
              {"start_ms", step.start / 1e6},
              {"end_ms", step.end / 1e6},
              {"wall_ms", (step.end - step.start) / 1e6}};
  if (metrics) {
    out["gpu_busy_ms"] = metrics->gpu_busy_ms;
    out["idle_host_wait_ms"] = metrics->idle_host_wait_ms;
    out["idle_launch_gap_ms"] = metrics->idle_launch_gap_ms;
    out["idle_other_ms"] = metrics->idle_other_ms;
    out["kernel_launches"] = metrics->kernel_launches;
  }
  return out;
}

json steps_to_json(const ProcessAnalysis& process) {
  const StepDetection& d = process.steps;
  json per_step = json::array();
  for (size_t i = 0; i < d.steps.size(); ++i) {
    per_step.push_back(
        step_to_json(d.steps[i], i < process.per_step.size() ? &process.per_step[i] : nullptr));
  }
  json warmup = json::array();
  for (const Step& s : d.warmup)
    warmup.push_back(step_to_json(s, nullptr));
  return {{"method", step_method_name(d.method)},
          {"description", d.description},
          {"count", d.steps.size()},
          {"warmup", warmup},
          {"per_step", per_step}};
}

json spread_of_field(const std::vector<StepMetrics>& steps,
                     const std::function<double(const StepMetrics&)>& field) {
  std::vector<double> values;
  values.reserve(steps.size());
  for (const StepMetrics& m : steps)
    values.push_back(field(m));
  return spread_to_json(spread_of(std::move(values)));
}

// Keyed maps (categories, syncs by kind, ...): one spread per key, a missing key counting 0.
template <typename Map>
json spread_of_map(const std::vector<StepMetrics>& steps, Map StepMetrics::*member) {
  std::set<std::string> keys;
  for (const StepMetrics& m : steps) {
    for (const auto& [key, value] : m.*member)
      keys.insert(key);
  }
  json out = json::object();
  for (const std::string& key : keys) {
    out[key] = spread_of_field(steps, [&](const StepMetrics& m) {
      auto it = (m.*member).find(key);
      return it == (m.*member).end() ? 0.0 : static_cast<double>(it->second);
    });
  }
  return out;
}

json metrics_to_json(const std::vector<StepMetrics>& s) {
  auto count = [&](uint64_t StepMetrics::*member) {
    return spread_of_field(s, [member](const StepMetrics& m) { return double(m.*member); });
  };
  return {
      {"wall_ms", spread_of_field(s, [](const StepMetrics& m) { return m.wall_ms; })},
      {"gpu_busy_ms", spread_of_field(s, [](const StepMetrics& m) { return m.gpu_busy_ms; })},
      {"gpu_busy_share",
       spread_of_field(s, [](const StepMetrics& m) { return m.gpu_busy_share(); })},
      {"idle_ms",
       {{"host_wait", spread_of_field(s, [](const StepMetrics& m) { return m.idle_host_wait_ms; })},
        {"launch_gap",
         spread_of_field(s, [](const StepMetrics& m) { return m.idle_launch_gap_ms; })},
        {"other", spread_of_field(s, [](const StepMetrics& m) { return m.idle_other_ms; })}}},
      {"category_ms", spread_of_map(s, &StepMetrics::category_ms)},
      {"counts",
       {{"kernel_launches", count(&StepMetrics::kernel_launches)},
        {"graph_launches", count(&StepMetrics::graph_launches)},
        {"allocations", count(&StepMetrics::allocations)},
        {"pageable_copies", count(&StepMetrics::pageable_copies)},
        {"syncs_by_kind", spread_of_map(s, &StepMetrics::syncs_by_kind)},
        {"copies_by_direction", spread_of_map(s, &StepMetrics::copies_by_direction)},
        {"bytes_by_direction", spread_of_map(s, &StepMetrics::bytes_by_direction)}}}};
}

json provenance_to_json(const Profile& p) {
  json devices = json::array();
  for (const Device& d : p.devices) {
    devices.push_back({{"id", d.id}, {"name", d.name}, {"sm_count", d.sm_count}});
  }
  json out = provenance_json(p.provenance);
  out["path"] = p.path;
  out["devices"] = devices;
  out["dropped_records"] = p.stats.dropped_records;
  return out;
}

json overhead_to_json(const RecordingOverhead& o);

json launch_detail_to_json(const LaunchDetailSampling& d) {
  return {{"schedule", d.schedule},
          {"steps", d.steps},
          {"analyzed_steps", d.analyzed_steps},
          {"note", d.note}};
}

json process_to_json(const ProcessAnalysis& process) {
  json out = {{"profile", process.profile ? provenance_to_json(*process.profile) : json::object()},
              {"steps", steps_to_json(process)},
              {"metrics", metrics_to_json(process.per_step)}};
  if (process.recording_overhead) {
    out["recording_overhead"] = overhead_to_json(*process.recording_overhead);
  }
  if (process.launch_detail) out["launch_detail"] = launch_detail_to_json(*process.launch_detail);
  out["warnings"] = process.warnings;
  return out;
}

}  // namespace

std::string dump_json(const json& value, int indent) {
  return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

json spread_to_json(const Spread& s) {
  return {{"median", s.median}, {"mean", s.mean}, {"min", s.min},
          {"max", s.max},       {"p10", s.p10},   {"p90", s.p90}};
}

namespace {

json overhead_to_json(const RecordingOverhead& o) {
  return {{"of", o.of},
          {"ratio", o.ratio},
          {"pooled_ratio", o.pooled_ratio},
          {"recorded_steps", o.recorded_steps},
          {"paused_steps", o.paused_steps},
          {"window_pairs", o.window_pairs},
          {"recorded_step_ms", spread_to_json(o.recorded_step_ms)},
          {"paused_step_ms", spread_to_json(o.paused_step_ms)},
          {"pair_ratio", spread_to_json(o.pair_ratio)},
          {"note", o.note}};
}

}  // namespace

json finding_to_json(const Finding& f) {
  json locations = json::array();
  for (const Location& l : f.locations) {
    locations.push_back({{"file", l.file},
                         {"line", l.line},
                         {"function", l.function},
                         {"op", l.op},
                         {"count_per_step", l.count_per_step},
                         {"cost_ms_per_step", l.cost_ms_per_step},
                         {"stack", l.stack}});
  }
  json events = json::array();
  for (const EventRef& e : f.evidence_events) {
    events.push_back({{"table", event_table_name(e.table)}, {"index", e.index}});
  }
  return {{"rule_id", f.rule_id},
          {"severity", severity_name(f.severity)},
          {"title", f.title},
          {"process", f.process},
          {"step_time_ms", f.step_time_ms},
          {"cost_ms_per_step", f.cost_ms_per_step},
          {"estimated_saving_ms_per_step", f.estimated_saving_ms_per_step},
          {"estimate_method", f.estimate_method},
          {"confidence", confidence_name(f.confidence)},
          {"locations", locations},
          {"fix", f.fix},
          {"evidence", {{"events", events}, {"counts", f.evidence_counts}}},
          {"doc", f.doc}};
}

json analysis_to_json(const Analysis& analysis, const ReportOptions& options) {
  json out = {{"tool", {{"name", "perfadvise"}, {"version", kToolVersion}}}};
  json paths = json::array(), provenance = json::array(), processes = json::array();
  for (const ProcessAnalysis& p : analysis.processes) {
    paths.push_back(p.profile ? p.profile->path : "");
    provenance.push_back(p.profile ? provenance_to_json(*p.profile) : json::object());
    processes.push_back(process_to_json(p));
  }
  out["profile"] = {{"input", options.input_path}, {"paths", paths}, {"provenance", provenance}};
  // The first process (rank 0 when distributed) is the headline; all of them follow.
  if (!analysis.processes.empty()) {
    out["steps"] = steps_to_json(analysis.processes.front());
    out["metrics"] = metrics_to_json(analysis.processes.front().per_step);
    if (const auto& o = analysis.processes.front().recording_overhead) {
      out["recording_overhead"] = overhead_to_json(*o);
    }
    if (const auto& d = analysis.processes.front().launch_detail) {
      out["launch_detail"] = launch_detail_to_json(*d);
    }
  }
  // Every process's warnings, named by process when there are several.
  json warnings = json::array();
  for (const ProcessAnalysis& p : analysis.processes) {
    for (const std::string& w : p.warnings) {
      warnings.push_back(
          analysis.processes.size() > 1 && p.profile ? process_label(*p.profile) + ": " + w : w);
    }
  }
  out["warnings"] = warnings;
  out["processes"] = processes;
  json findings = json::array();
  for (const Finding& f : analysis.ranked_findings())
    findings.push_back(finding_to_json(f));
  out["findings"] = findings;
  return out;
}

}  // namespace perfadvise
