// perfadvise rules [ID]: the rule catalogue (id, severity, title), or one rule's documentation
// (rules/<ID>.md, embedded in the binary).
#include <fmt/format.h>

#include "cli/verbs.h"
#include "rules/registry.h"

namespace perfadvise::cli {
namespace {

const char* severity_label(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return "critical";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      break;
  }
  return "info";
}

}  // namespace

void register_rules(CLI::App& app, Action& action) {
  auto* cmd =
      app.add_subcommand("rules", "List the rule catalogue, or show one rule's documentation");
  static std::string id;
  cmd->add_option("ID", id, "A rule id, e.g. SYNC-D2H");
  cmd->callback([&action] {
    action = [] {
      if (id.empty()) {
        for (const auto& rule : all_rules()) {
          fmt::print("{:<20} {:<9} {}\n", rule->id(), severity_label(rule->severity()),
                     rule->title());
        }
        fmt::print(
            "\nperfadvise rules ID shows what a rule detects, how it estimates the "
            "saving, and the fix.\n");
        return kExitOk;
      }
      const Rule* rule = find_rule(id);
      if (rule == nullptr)
        throw UsageError(fmt::format("no rule '{}' (perfadvise rules lists them)", id));
      const std::string_view doc = rule_doc(rule->id());
      if (doc.empty()) throw UsageError(fmt::format("rule {} has no documentation", rule->id()));
      fmt::print("{}", doc);
      return kExitOk;
    };
  });
}

}  // namespace perfadvise::cli
