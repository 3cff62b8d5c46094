// MEMCPY-PAGEABLE: cudaMemcpyAsync with a pageable host buffer (Nsight Systems'
// cuda_memcpy_async): the call copies through a staging buffer and returns only when done, so
// non_blocking=True from unpinned memory is silently synchronous. DtoH reads go to SYNC-D2H.
#include "rules/blocking_rule.h"
#include "rules/rule_factories.h"

namespace perfadvise {
namespace {

class MemcpyPageableRule final : public Rule {
 public:
  std::string_view id() const override { return "MEMCPY-PAGEABLE"; }
  std::string_view title() const override {
    return "Asynchronous copies from pageable memory run synchronously";
  }
  Severity severity() const override { return Severity::kWarning; }
  std::vector<Finding> evaluate(const RuleContext& c) const override {
    BlockingRuleSpec spec;
    spec.id = std::string(id());
    spec.what = "async copies from pageable memory";
    spec.selects = [](const HostBlock& b) {
      return b.pageable && !b.sync_api_copy && b.sync_api == HostBlock::kNone &&
             b.cause != BlockCause::kDeviceToHost;
    };
    return evaluate_blocking_rule(c, spec);
  }
};

}  // namespace

std::unique_ptr<Rule> make_memcpy_pageable_rule() {
  return std::make_unique<MemcpyPageableRule>();
}

}  // namespace perfadvise
