// What a rule sees of one process: the profile, its steps and per-step metrics, the taxonomy
// class of every kernel, the kind of every API call, the host blocks with the GPU idle each
// caused, and helpers to place events in steps and to locate them in the user's code.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/api_kinds.h"
#include "analyzer/gpu_timeline.h"
#include "analyzer/host_blocks.h"
#include "analyzer/locations.h"
#include "rules/taxonomy.h"

namespace perfadvise {

class RuleContext {
 public:
  RuleContext(const Profile& profile, uint32_t process_index, const StepDetection& steps,
              const std::vector<StepMetrics>& per_step, const std::vector<KernelClass>& classes,
              const std::vector<ApiKind>& api_kinds, const std::vector<HostBlock>& blocks,
              const GpuTimeline& timeline);

  const Profile& profile() const { return profile_; }
  uint32_t process_index() const { return process_; }
  const StepDetection& steps() const { return steps_; }
  const std::vector<StepMetrics>& per_step() const { return per_step_; }
  const std::vector<HostBlock>& host_blocks() const { return blocks_; }
  const GpuTimeline& timeline() const { return timeline_; }

  /// Number of measured steps (warm-up excluded); at least 1 for per-step divisions.
  double step_count() const { return steps_.steps.empty() ? 1.0 : double(steps_.steps.size()); }
  /// Median wall time of the measured steps.
  double median_step_ms() const { return median_step_ms_; }
  /// Median of a per-step value.
  double median_of(double (*field)(const StepMetrics&)) const;
  /// Index of the measured step containing `t`, or -1 (outside, or in warm-up).
  int step_of(TimeNs t) const;
  bool in_steps(TimeNs t) const { return step_of(t) >= 0; }
  /// step_of(start) of kernel `i` (profile().kernels index), computed once for every rule.
  int kernel_step(uint32_t i) const { return kernel_step_[i]; }
  bool kernel_in_steps(uint32_t i) const { return kernel_step_[i] >= 0; }
  /// GPU time (ns) of the kernels that start in the measured steps: all, and per category.
  TimeNs kernel_time_in_steps() const { return kernel_time_; }
  TimeNs category_time_in_steps(KernelCategory category) const {
    return category_time_[size_t(category)];
  }

  const KernelClass& kernel_class(const Kernel& kernel) const;
  ApiKind api_kind(const ApiCall& call) const;
  /// Normalized API name of a call ("cudaMemcpyAsync").
  std::string api_name(const ApiCall& call) const;
  const Device& device() const;

  Location locate(uint32_t correlation_id, const std::string& fallback_op) const {
    return resolver_.locate(correlation_id, fallback_op);
  }
  /// A finding with the rule's id, severity, doc and the process' step time filled in.
  Finding make_finding(const std::string& rule_id, Severity severity) const;

 private:
  void index_kernels();

  const Profile& profile_;
  uint32_t process_;
  const StepDetection& steps_;
  const std::vector<StepMetrics>& per_step_;
  const std::vector<KernelClass>& classes_;
  const std::vector<ApiKind>& api_kinds_;
  const std::vector<HostBlock>& blocks_;
  const GpuTimeline& timeline_;
  LocationResolver resolver_;
  double median_step_ms_ = 0;
  std::vector<int32_t> kernel_step_;  // per kernel: measured step index, or -1
  TimeNs kernel_time_ = 0;
  std::array<TimeNs, kKernelCategoryCount> category_time_{};
};

}  // namespace perfadvise
