#include "gate/gate_input.h"

#include <algorithm>
#include <set>

#include "gate/stats.h"
#include "gate/sync_sites.h"

namespace perfadvise::gate {
namespace {

using Samples = std::map<std::string, std::vector<double>>;

/// One process's per-step values for every metric, missing keys filled with 0 so that every
/// vector has one entry per step.
struct ProcessTable {
  Samples timings;
  Samples counts;
};

void put(Samples& table, const std::string& metric, size_t step, size_t steps, double value) {
  auto& values = table[metric];
  values.resize(steps, 0.0);
  values[step] = value;
}

template <typename Map>
void put_family(Samples& table, const std::string& family, const Map& values, size_t step,
                size_t steps) {
  for (const auto& [key, value] : values) {
    put(table, family + "." + key, step, steps, static_cast<double>(value));
  }
}

ProcessTable tabulate(const std::vector<StepMetrics>& per_step) {
  ProcessTable t;
  const size_t n = per_step.size();
  for (size_t i = 0; i < n; ++i) {
    const StepMetrics& m = per_step[i];
    put(t.timings, "wall_ms", i, n, m.wall_ms);
    put(t.timings, "gpu_busy_ms", i, n, m.gpu_busy_ms);
    put(t.timings, "idle_host_wait_ms", i, n, m.idle_host_wait_ms);
    put(t.timings, "idle_launch_gap_ms", i, n, m.idle_launch_gap_ms);
    put(t.timings, "idle_other_ms", i, n, m.idle_other_ms);
    put_family(t.timings, "category_ms", m.category_ms, i, n);
    put(t.counts, "kernel_launches", i, n, static_cast<double>(m.kernel_launches));
    put(t.counts, "graph_launches", i, n, static_cast<double>(m.graph_launches));
    put(t.counts, "allocations", i, n, static_cast<double>(m.allocations));
    put(t.counts, "pageable_copies", i, n, static_cast<double>(m.pageable_copies));
    put_family(t.counts, "syncs", m.syncs_by_kind, i, n);
    put_family(t.counts, "copies", m.copies_by_direction, i, n);
    put_family(t.counts, "bytes", m.bytes_by_direction, i, n);
  }
  return t;
}

CountSummary summarize(const std::vector<double>& values) {
  CountSummary s;
  if (values.empty()) return s;
  s.median = median(values);
  s.min = *std::min_element(values.begin(), values.end());
  s.max = *std::max_element(values.begin(), values.end());
  double sum = 0;
  for (double v : values)
    sum += v;
  s.mean = sum / static_cast<double>(values.size());
  return s;
}

void add_summary(CountSummary& total, const CountSummary& part) {
  total.median += part.median;
  total.mean += part.mean;
  total.min += part.min;
  total.max += part.max;
}

std::set<std::string> timing_keys(const std::vector<ProcessTable>& tables) {
  std::set<std::string> keys;
  for (const ProcessTable& t : tables) {
    for (const auto& [metric, values] : t.timings)
      keys.insert(metric);
  }
  return keys;
}

void pool(const std::vector<ProcessTable>& tables, const std::vector<size_t>& steps,
          GateInput& input) {
  for (const std::string& metric : timing_keys(tables)) {
    std::vector<double>& pooled = input.timings[metric];
    for (size_t p = 0; p < tables.size(); ++p) {
      auto found = tables[p].timings.find(metric);
      if (found == tables[p].timings.end()) {
        pooled.insert(pooled.end(), steps[p], 0.0);
      } else {
        pooled.insert(pooled.end(), found->second.begin(), found->second.end());
      }
    }
  }
  for (const ProcessTable& t : tables) {
    for (const auto& [metric, values] : t.counts)
      add_summary(input.counts[metric], summarize(values));
  }
}

std::vector<FindingKey> finding_keys(const Analysis& analysis) {
  std::vector<FindingKey> keys;
  std::set<std::string> seen;
  for (const Finding& f : analysis.ranked_findings()) {
    FindingKey key{f.rule_id, "", f.title};
    if (!f.locations.empty() && !f.locations[0].file.empty()) {
      key.location = f.locations[0].file + ":" + std::to_string(f.locations[0].line);
    }
    if (seen.insert(key.key()).second) keys.push_back(std::move(key));
  }
  return keys;
}

bool is_environment_key(const std::string& key) {
  return key.find("version") != std::string::npos && key != "tool_version";
}

}  // namespace

std::map<std::string, std::string> environment_of(const Profile& profile) {
  std::map<std::string, std::string> env;
  std::string gpus;
  for (const Device& d : profile.devices) {
    if (gpus.find(d.name) == std::string::npos) gpus += (gpus.empty() ? "" : ", ") + d.name;
  }
  env["gpu"] = gpus;
  env["driver"] = profile.provenance.driver_version;
  env["cupti"] = profile.provenance.cupti_version;
  for (const auto& [key, value] : profile.provenance.extra) {
    if (is_environment_key(key)) env[key] = value;
  }
  return env;
}

GateInput gate_input_from_analysis(const Analysis& analysis, const std::string& source) {
  GateInput input;
  input.source = source;
  input.processes = static_cast<uint32_t>(analysis.processes.size());
  std::vector<ProcessTable> tables;
  std::vector<size_t> steps;
  for (const ProcessAnalysis& process : analysis.processes) {
    tables.push_back(tabulate(process.per_step));
    steps.push_back(process.per_step.size());
    input.steps += process.per_step.size();
    if (input.step_method.empty()) input.step_method = process.steps.description;
    if (process.profile == nullptr) continue;
    if (input.environment.empty()) input.environment = environment_of(*process.profile);
    merge_sync_sites(find_sync_sites(*process.profile, process.steps.steps), input.sync_sites);
  }
  pool(tables, steps, input);
  sort_sync_sites(input.sync_sites);
  input.findings = finding_keys(analysis);
  return input;
}

}  // namespace perfadvise::gate
