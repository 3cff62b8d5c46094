// SYNC-D2H: device-to-host reads the host waits for: a DtoH copy followed by a stream sync
// (PyTorch's memcpy_and_sync behind nonzero, unique, boolean masks, .item(), .tolist()), a
// synchronous DtoH copy, or an async DtoH copy into pageable memory.
#include "rules/blocking_rule.h"
#include "rules/data_dependent_work.h"
#include "rules/rule_factories.h"
#include "rules/sync_triggers.h"

namespace perfadvise {
namespace {

// The count/compaction/sort/gather kernels of the data-dependent-shape ops among the picked
// blocks (rules/data_dependent_work.h). A block whose trigger is known not to change shapes
// (.item(), .tolist(), a Python branch) claims none: its fix keeps the GPU work.
std::vector<TimeNs> pattern_work(const RuleContext& c, const std::vector<PickedBlock>& picked) {
  std::vector<WorkClaim> claims;
  std::vector<size_t> claimed_by;  // picked index of each claim
  for (size_t i = 0; i < picked.size(); ++i) {
    const SyncTrigger trigger = identify_trigger(BlockCause::kDeviceToHost, picked[i].location);
    if (!trigger.data_dependent_shape && !trigger.name.empty()) continue;
    claims.push_back({picked[i].block, !trigger.data_dependent_shape, trigger.fix_keeps_sort});
    claimed_by.push_back(i);
  }
  std::vector<TimeNs> out(picked.size(), 0);
  const std::vector<TimeNs> work = data_dependent_work(c, claims);
  for (size_t k = 0; k < claims.size(); ++k)
    out[claimed_by[k]] = work[k];
  return out;
}

class SyncD2HRule final : public Rule {
 public:
  std::string_view id() const override { return "SYNC-D2H"; }
  std::string_view title() const override {
    return "The host reads GPU data and waits (nonzero, unique, boolean masks, .item())";
  }
  Severity severity() const override { return Severity::kCritical; }
  std::vector<Finding> evaluate(const RuleContext& c) const override {
    BlockingRuleSpec spec;
    spec.id = std::string(id());
    spec.what = "host-device syncs that read GPU data";
    spec.selects = [](const HostBlock& b) { return b.cause == BlockCause::kDeviceToHost; };
    spec.extra_saving = pattern_work;
    spec.extra_saving_method =
        "the GPU time of the count, compaction, sort and gather/scatter kernels that the "
        "data-dependent-shape ops (nonzero, unique, boolean masks) launch around these reads, "
        "forward and backward, which their fixes do not need";
    return evaluate_blocking_rule(c, spec);
  }
};

}  // namespace

std::unique_ptr<Rule> make_sync_d2h_rule() {
  return std::make_unique<SyncD2HRule>();
}

}  // namespace perfadvise
