#include "reports/html_context_tables.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "profile/launch_context.h"
#include "rules/gemm_shapes.h"
#include "rules/rule_util.h"

namespace perfadvise {

using nlohmann::json;

namespace {

bool in_steps(const ProcessAnalysis& process, TimeNs t) {
  const auto& steps = process.steps.steps;
  if (steps.empty()) return true;
  auto after = std::upper_bound(steps.begin(), steps.end(), t,
                                [](TimeNs time, const Step& s) { return time < s.start; });
  return after != steps.begin() && t < std::prev(after)->end;
}

template <typename Row>
std::vector<std::pair<std::string, Row>> by_total(const std::map<std::string, Row>& rows) {
  std::vector<std::pair<std::string, Row>> sorted(rows.begin(), rows.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.second.total_ms > b.second.total_ms; });
  return sorted;
}

}  // namespace

json kernel_context_json(const ProcessAnalysis& process, size_t max_rows) {
  struct OpRow {
    uint64_t kernels = 0;
    double total_ms = 0;
    std::map<std::string, double> kernel_ms, gemm_ms;  // to name the costliest of each
  };
  struct LineRow {
    uint64_t sampled = 0;
    double total_ms = 0;  // of the sampled launches
    std::string function;
  };
  const Profile& p = *process.profile;
  std::map<std::string, OpRow> ops;
  std::map<std::string, LineRow> lines;
  uint64_t kernels = 0, with_op = 0, sampled = 0;
  double all_ms = 0, sampled_ms = 0;
  for (uint32_t k = 0; k < p.kernels.size(); ++k) {
    const Kernel& kernel = p.kernels[k];
    if (!in_steps(process, kernel.start)) continue;
    const double ms = double(kernel.end - kernel.start) / 1e6;
    ++kernels, all_ms += ms;
    if (const std::string op = kernel_op(p, k); !op.empty()) {
      OpRow& row = ops[op];
      ++row.kernels, ++with_op, row.total_ms += ms;
      row.kernel_ms[short_kernel_name(p.strings[kernel.name])] += ms;
      if (p.gemm_of(k) != CorrelationIndex::kNone) {
        row.gemm_ms[gemm_label(p, p.gemms[p.gemm_of(k)])] += ms;
      }
    }
    const uint32_t site = p.call_site_by_correlation.find(kernel.correlation_id);
    if (site == CorrelationIndex::kNone || p.call_sites[site].user_frame == 0) continue;
    const Frame& f = p.frames[p.call_sites[site].user_frame - 1];
    LineRow& row = lines[fmt::format("{}:{}", p.strings[f.file], f.line)];
    row.function = p.strings[f.function];
    ++row.sampled, ++sampled, row.total_ms += ms, sampled_ms += ms;
  }
  const double steps = std::max<double>(1, double(process.steps.steps.size()));
  auto costliest = [](const std::map<std::string, double>& ms) {
    auto top = std::max_element(ms.begin(), ms.end(),
                                [](const auto& a, const auto& b) { return a.second < b.second; });
    return top == ms.end() ? std::string() : top->first;
  };
  json by_op = json::array();
  for (const auto& [op, r] : by_total(ops)) {
    if (by_op.size() >= max_rows) break;
    by_op.push_back({op, r.kernels, r.total_ms, r.total_ms / steps, costliest(r.kernel_ms),
                     costliest(r.gemm_ms)});
  }
  // Sampled launches stand for all kernels: a line's share of sampled kernel time times all
  // kernel time estimates its total.
  const double scale = sampled_ms > 0 ? all_ms / sampled_ms : 0;
  json by_line = json::array();
  for (const auto& [where, r] : by_total(lines)) {
    if (by_line.size() >= max_rows) break;
    by_line.push_back(
        {where, r.function, r.sampled, r.total_ms * scale, r.total_ms * scale / steps});
  }
  return {{"by_op", by_op},
          {"by_line", by_line},
          {"kernels", kernels},
          {"kernels_with_op", with_op},
          {"kernels_sampled", sampled}};
}

}  // namespace perfadvise
