// SYNC-H2D: a host-to-device copy followed by a sync (a blocking .to(device), torch.tensor(...,
// device="cuda") built on the CPU each step, SAM's CPU-built index tensors).
#include "rules/blocking_rule.h"
#include "rules/rule_factories.h"

namespace perfadvise {
namespace {

class SyncH2DRule final : public Rule {
 public:
  std::string_view id() const override { return "SYNC-H2D"; }
  std::string_view title() const override {
    return "CPU data copied to the GPU with a blocking copy every step";
  }
  Severity severity() const override { return Severity::kWarning; }
  std::vector<Finding> evaluate(const RuleContext& c) const override {
    BlockingRuleSpec spec;
    spec.id = std::string(id());
    spec.what = "blocking host-to-device copies";
    spec.selects = [](const HostBlock& b) {
      return b.cause == BlockCause::kHostToDevice && b.sync_api != HostBlock::kNone;
    };
    return evaluate_blocking_rule(c, spec);
  }
};

}  // namespace

std::unique_ptr<Rule> make_sync_h2d_rule() {
  return std::make_unique<SyncH2DRule>();
}

}  // namespace perfadvise
