#include "analyzer/analyzer.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>

#include "analyzer/data_warnings.h"
#include "analyzer/gpu_timeline.h"
#include "analyzer/launch_detail.h"
#include "analyzer/metrics.h"
#include "analyzer/recording_overhead.h"
#include "analyzer/rule_context.h"
#include "analyzer/steps.h"
#include "rules/registry.h"

namespace perfadvise {
namespace {

// Runs `work` and tells options.on_phase how long it took.
template <typename Work>
auto timed(const AnalysisOptions& options, std::string_view phase, Work&& work) {
  if (!options.on_phase) return work();
  const auto start = std::chrono::steady_clock::now();
  struct Report {  // reports from its destructor: one path for work with and without a value
    const AnalysisOptions& options;
    std::string_view phase;
    std::chrono::steady_clock::time_point start;
    ~Report() {
      options.on_phase(
          phase, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
    }
  } report{options, phase, start};
  return work();
}

void rank(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return a.estimated_saving_ms_per_step > b.estimated_saving_ms_per_step;
  });
}

Result<ProcessAnalysis> analyze_process(const Profile& profile, uint32_t index,
                                        const AnalysisOptions& options) {
  ProcessAnalysis out;
  out.profile = &profile;
  out.warnings = data_warnings(profile);
  PA_ASSIGN_OR_RETURN(out.steps, timed(options, "steps",
                                       [&] { return detect_steps(profile, options.steps_regex); }));
  timed(options, "collector windows", [&] {
    out.recording_overhead = split_paused_steps(profile, out.steps);
    out.launch_detail = keep_launch_detail_steps(profile, out.steps);
  });
  const std::vector<KernelClass> classes =
      timed(options, "kernel classes", [&] { return classify_kernel_names(profile); });
  const std::vector<ApiKind> api_kinds = classify_api_names(profile);
  std::vector<HostBlock> blocks =
      timed(options, "host blocks", [&] { return find_host_blocks(profile, api_kinds); });
  const GpuTimeline timeline =
      timed(options, "gpu timeline", [&] { return build_gpu_timeline(profile, blocks); });
  out.per_step = timed(options, "metrics", [&] {
    return compute_step_metrics({profile, timeline, blocks, classes, api_kinds}, out.steps.steps);
  });
  const RuleContext context(profile, index, out.steps, out.per_step, classes, api_kinds, blocks,
                            timeline);
  for (const auto& rule : all_rules()) {
    const std::string phase = "rule " + std::string(rule->id());
    std::vector<Finding> found = timed(options, phase, [&] { return rule->evaluate(context); });
    for (Finding& f : found) {
      if (f.estimated_saving_ms_per_step >= options.min_saving_ms) {
        out.findings.push_back(std::move(f));
      }
    }
  }
  rank(out.findings);
  return out;
}

}  // namespace

Result<Analysis> analyze(const std::vector<Profile>& profiles, const AnalysisOptions& options) {
  Analysis analysis;
  for (uint32_t i = 0; i < profiles.size(); ++i) {
    PA_ASSIGN_OR_RETURN(ProcessAnalysis process, analyze_process(profiles[i], i, options));
    analysis.processes.push_back(std::move(process));
  }
  return analysis;
}

}  // namespace perfadvise
