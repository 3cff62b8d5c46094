// A rule: one detector of one performance problem, with its documentation in rules/<ID>.md.
// Rules read a RuleContext and return findings; they never fail (a rule that lacks the data it
// needs, e.g. GEMM shapes, returns nothing).
#pragma once

#include <string_view>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/rule_context.h"

namespace perfadvise {

class Rule {
 public:
  virtual ~Rule() = default;
  virtual std::string_view id() const = 0;     // "SYNC-D2H"
  virtual std::string_view title() const = 0;  // one line for `perfadvise rules`
  virtual Severity severity() const = 0;       // the usual severity; findings may differ
  virtual std::vector<Finding> evaluate(const RuleContext& context) const = 0;
};

}  // namespace perfadvise
