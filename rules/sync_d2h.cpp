// SYNC-D2H: device-to-host reads the host waits for: a DtoH copy followed by a stream sync
// (PyTorch's memcpy_and_sync behind nonzero, unique, boolean masks, .item(), .tolist()), a
// synchronous DtoH copy, or an async DtoH copy into pageable memory.
#include "rules/blocking_rule.h"
#include "rules/rule_factories.h"

namespace perfadvise {
namespace {

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
    return evaluate_blocking_rule(c, spec);
  }
};

}  // namespace

std::unique_ptr<Rule> make_sync_d2h_rule() {
  return std::make_unique<SyncD2HRule>();
}

}  // namespace perfadvise
