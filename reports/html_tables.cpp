// Per-process tables of the HTML report: step breakdown, kernels by name, sync sites by line.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "reports/analysis_json.h"
#include "reports/common.h"
#include "reports/html_tables.h"

namespace perfadvise {
namespace {

using nlohmann::json;

double median_of(const std::vector<StepMetrics>& steps, double (*field)(const StepMetrics&)) {
  std::vector<double> values;
  for (const StepMetrics& m : steps)
    values.push_back(field(m));
  return spread_of(std::move(values)).median;
}

}  // namespace

json breakdown_json(const ProcessAnalysis& process) {
  const auto& s = process.per_step;
  json categories = json::object();
  std::map<std::string, std::vector<double>> by_category;
  for (size_t i = 0; i < s.size(); ++i) {
    for (const auto& [name, ms] : s[i].category_ms)
      by_category[name].resize(s.size());
  }
  for (size_t i = 0; i < s.size(); ++i) {
    for (const auto& [name, ms] : s[i].category_ms)
      by_category[name][i] = ms;
  }
  for (auto& [name, values] : by_category)
    categories[name] = spread_of(values).median;
  return {
      {"wall_ms", median_of(s, [](const StepMetrics& m) { return m.wall_ms; })},
      {"busy_ms", median_of(s, [](const StepMetrics& m) { return m.gpu_busy_ms; })},
      {"idle_host_wait_ms", median_of(s, [](const StepMetrics& m) { return m.idle_host_wait_ms; })},
      {"idle_launch_gap_ms",
       median_of(s, [](const StepMetrics& m) { return m.idle_launch_gap_ms; })},
      {"idle_other_ms", median_of(s, [](const StepMetrics& m) { return m.idle_other_ms; })},
      {"categories_ms", categories},
      {"launches", median_of(s, [](const StepMetrics& m) { return double(m.kernel_launches); })}};
}

json kernel_table_json(const ProcessAnalysis& process, size_t max_rows) {
  struct Row {
    uint64_t calls = 0;
    double total = 0, min = 1e300, max = 0;
    const Kernel* first = nullptr;
  };
  const Profile& p = *process.profile;
  std::map<StringId, Row> rows;
  for (const Kernel& k : p.kernels) {
    Row& r = rows[k.name];
    double ms = (k.end - k.start) / 1e6;
    ++r.calls;
    r.total += ms;
    r.min = std::min(r.min, ms);
    r.max = std::max(r.max, ms);
    if (!r.first) r.first = &k;
  }
  std::vector<std::pair<StringId, Row>> sorted(rows.begin(), rows.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.second.total > b.second.total; });
  double steps = std::max<double>(1, double(process.steps.steps.size()));
  json out = json::array();
  for (size_t i = 0; i < sorted.size() && i < max_rows; ++i) {
    const auto& [name, r] = sorted[i];
    const Kernel& k = *r.first;
    out.push_back({p.strings[name], r.calls, r.total, r.total / double(r.calls), r.min, r.max,
                   fmt::format("{}x{}x{}", k.grid_x, k.grid_y, k.grid_z),
                   fmt::format("{}x{}x{}", k.block_x, k.block_y, k.block_z), k.registers_per_thread,
                   process.steps.steps.empty() ? 0.0 : r.calls / steps});
  }
  return {{"rows", out}, {"total_names", rows.size()}};
}

json sync_table_json(const ProcessAnalysis& process, size_t max_rows) {
  struct Row {
    uint64_t count = 0;
    double total_ms = 0;
    std::string op, api, function;
  };
  const Profile& p = *process.profile;
  std::map<std::string, Row> rows;  // by "file:line"
  for (const Sync& s : p.syncs) {
    if (s.type == SyncType::kStreamWaitEvent) continue;
    uint32_t api = p.api_by_correlation.find(s.correlation_id);
    uint32_t site = p.call_site_by_correlation.find(s.correlation_id);
    std::string where = "(no Python frame)";
    Row row_init;
    if (site != CorrelationIndex::kNone && p.call_sites[site].user_frame) {
      const Frame& f = p.frames[p.call_sites[site].user_frame - 1];
      where = fmt::format("{}:{}", p.strings[f.file], f.line);
      row_init.function = p.strings[f.function];
    }
    Row& r = rows.try_emplace(where, row_init).first->second;
    ++r.count;
    r.total_ms += (s.end - s.start) / 1e6;
    if (site != CorrelationIndex::kNone && r.op.empty()) r.op = p.strings[p.call_sites[site].op];
    if (api != CorrelationIndex::kNone && r.api.empty()) r.api = p.strings[p.api_calls[api].name];
  }
  std::vector<std::pair<std::string, Row>> sorted(rows.begin(), rows.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.second.total_ms > b.second.total_ms; });
  double steps = std::max<double>(1, double(process.steps.steps.size()));
  json out = json::array();
  for (size_t i = 0; i < sorted.size() && i < max_rows; ++i) {
    const auto& [where, r] = sorted[i];
    out.push_back(
        {where, r.function, r.op, r.api, r.count, r.total_ms, r.count / steps, r.total_ms / steps});
  }
  return out;
}

}  // namespace perfadvise
