// The shared engine of the rules about the host waiting for the GPU (SYNC-D2H, SYNC-H2D,
// SYNC-EXPLICIT, MEMCPY-SYNC, MEMCPY-PAGEABLE, ALLOC-CHURN's frees): pick host blocks, group
// them by the user's code location, name the trigger and its fix, and estimate the saving as
// the GPU idle the blocks caused (see analyzer/gpu_timeline.h for how that idle is measured).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "analyzer/rule_context.h"

namespace perfadvise {

/// A host block a rule picked, with where it came from in the user's code.
struct PickedBlock {
  uint32_t block = 0;  // host_blocks index
  Location location;
};

struct BlockingRuleSpec {
  std::string id;
  Severity severity = Severity::kWarning;
  std::string what;  // "host-device syncs read GPU data", for the title
  std::function<bool(const HostBlock&)> selects;
  double min_per_step = 0.5;     // fire when at least this many events per step ...
  double min_step_share = 0.03;  // ... or when they block at least this share of the step
  // Optional: saving beyond the GPU idle, per picked block (ns, same order), and what it is in
  // words for the estimate method ("GPU work of the count/sort/gather kernels ...").
  std::function<std::vector<TimeNs>(const RuleContext&, const std::vector<PickedBlock>&)>
      extra_saving;
  std::string extra_saving_method;
};

std::vector<Finding> evaluate_blocking_rule(const RuleContext& c, const BlockingRuleSpec& spec);

/// "cudaMemcpyAsync DtoH + cudaStreamSynchronize": what the block did, in CUDA terms.
std::string describe_block(const RuleContext& c, const HostBlock& block);

}  // namespace perfadvise
