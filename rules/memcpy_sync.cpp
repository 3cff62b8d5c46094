// MEMCPY-SYNC: copies through a synchronous API (cudaMemcpy, cuMemcpyHtoD, ...) with Nsight
// Systems' cuda_memcpy_sync semantics: host-to-device copies of 64 KB or less and copies within
// one device are left out. Device-to-host reads belong to SYNC-D2H.
#include "rules/blocking_rule.h"
#include "rules/rule_factories.h"

namespace perfadvise {
namespace {

constexpr uint64_t kSmallHostToDeviceBytes = 64 * 1024;

// Left out as Nsight Systems does: small uploads and copies that stay on one device.
bool is_small_or_local(const RuleContext& c, const HostBlock& b) {
  if (b.memcpy == HostBlock::kNone) return false;
  const Memcpy& m = c.profile().memcpys[b.memcpy];
  if (m.kind == MemcpyKind::kHtoD && m.bytes <= kSmallHostToDeviceBytes) return true;
  return m.kind == MemcpyKind::kDtoD;
}

class MemcpySyncRule final : public Rule {
 public:
  std::string_view id() const override { return "MEMCPY-SYNC"; }
  std::string_view title() const override { return "Synchronous cudaMemcpy inside the step"; }
  Severity severity() const override { return Severity::kWarning; }
  std::vector<Finding> evaluate(const RuleContext& c) const override {
    BlockingRuleSpec spec;
    spec.id = std::string(id());
    spec.what = "synchronous copies";
    spec.selects = [&c](const HostBlock& b) {
      if (b.cause == BlockCause::kDeviceToHost) return false;  // SYNC-D2H
      if (b.cause == BlockCause::kHostToDevice && b.sync_api != HostBlock::kNone) return false;
      if (b.cause == BlockCause::kOtherCopy && b.sync_api != HostBlock::kNone) return true;
      return b.sync_api_copy && !is_small_or_local(c, b);
    };
    return evaluate_blocking_rule(c, spec);
  }
};

}  // namespace

std::unique_ptr<Rule> make_memcpy_sync_rule() {
  return std::make_unique<MemcpySyncRule>();
}

}  // namespace perfadvise
