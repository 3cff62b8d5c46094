// Per-step metrics (StepMetrics in analysis.h): wall time, GPU busy and idle split, time per
// kernel category, launches, syncs by kind, copies and bytes by direction and memory kind.
// Events count in the step where they start; busy and idle time are clipped to the step.
#pragma once

#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/api_kinds.h"
#include "analyzer/gpu_timeline.h"
#include "analyzer/host_blocks.h"
#include "rules/taxonomy.h"

namespace perfadvise {

struct MetricInputs {
  const Profile& profile;
  const GpuTimeline& timeline;
  const std::vector<HostBlock>& blocks;
  const std::vector<KernelClass>& kernel_classes;  // by kernel name id
  const std::vector<ApiKind>& api_kinds;           // by API name id
};

std::vector<StepMetrics> compute_step_metrics(const MetricInputs& in,
                                              const std::vector<Step>& steps);

}  // namespace perfadvise
