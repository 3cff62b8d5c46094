// SYNC-EXPLICIT: cudaDeviceSynchronize / cudaStreamSynchronize / cudaEventSynchronize inside the
// steps that are not part of a copy (those belong to SYNC-D2H and SYNC-H2D).
#include "rules/blocking_rule.h"
#include "rules/rule_factories.h"

namespace perfadvise {
namespace {

class SyncExplicitRule final : public Rule {
 public:
  std::string_view id() const override { return "SYNC-EXPLICIT"; }
  std::string_view title() const override { return "Explicit synchronization inside the step"; }
  Severity severity() const override { return Severity::kWarning; }
  std::vector<Finding> evaluate(const RuleContext& c) const override {
    BlockingRuleSpec spec;
    spec.id = std::string(id());
    spec.what = "explicit synchronizations";
    spec.selects = [](const HostBlock& b) { return b.cause == BlockCause::kExplicitSync; };
    return evaluate_blocking_rule(c, spec);
  }
};

}  // namespace

std::unique_ptr<Rule> make_sync_explicit_rule() {
  return std::make_unique<SyncExplicitRule>();
}

}  // namespace perfadvise
