// The rule catalogue: every rule, in catalogue order, and each rule's embedded documentation.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "rules/rule.h"

namespace perfadvise {

const std::vector<std::unique_ptr<Rule>>& all_rules();
/// The rule with this id (case-insensitive), or nullptr.
const Rule* find_rule(std::string_view id);
/// The text of rules/<ID>.md, embedded at build time ("" when the rule has no document).
std::string_view rule_doc(std::string_view id);

}  // namespace perfadvise
