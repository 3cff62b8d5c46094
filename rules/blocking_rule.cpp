#include "rules/blocking_rule.h"

#include <set>

#include <fmt/format.h>

#include "rules/rule_util.h"
#include "rules/sync_triggers.h"

namespace perfadvise {

std::string describe_block(const RuleContext& c, const HostBlock& b) {
  const Profile& p = c.profile();
  std::string text;
  if (b.api != HostBlock::kNone) text = c.api_name(p.api_calls[b.api]);
  if (b.memcpy != HostBlock::kNone) {
    const Memcpy& m = p.memcpys[b.memcpy];
    text += fmt::format(" {} {}", direction_name(m.kind), memory_kind_name(host_memory_kind(m)));
  }
  if (b.sync_api != HostBlock::kNone) text += " + " + c.api_name(p.api_calls[b.sync_api]);
  if (text.empty() && b.sync_record != HostBlock::kNone) text = "synchronization";
  return text;
}

namespace {

uint32_t correlation_of(const Profile& p, uint32_t api) {
  return api == HostBlock::kNone ? 0 : p.api_calls[api].correlation_id;
}

// The copy's call site, else the sync's: the collector may record either.
Location locate_block(const RuleContext& c, const HostBlock& b, const std::string& what) {
  const Profile& p = c.profile();
  Location loc = c.locate(correlation_of(p, b.api), what);
  if (loc.file.empty() && b.sync_api != HostBlock::kNone) {
    Location from_sync = c.locate(correlation_of(p, b.sync_api), what);
    if (!from_sync.file.empty() || from_sync.op != what) loc = from_sync;
  }
  return loc;
}

EventRef evidence_of(const HostBlock& b) {
  if (b.memcpy != HostBlock::kNone) return {EventRef::Table::kMemcpy, b.memcpy};
  if (b.api != HostBlock::kNone) return {EventRef::Table::kApiCall, b.api};
  return {EventRef::Table::kSync, b.sync_record};
}

// Names each location's trigger and gathers the distinct fixes, most costly first.
std::string name_triggers(Finding& f, BlockCause cause) {
  std::string fix;
  std::set<std::string> seen;
  for (Location& loc : f.locations) {
    const SyncTrigger t = identify_trigger(cause, loc);
    if (!t.name.empty() && loc.op.find("::") == std::string::npos)
      loc.op = t.name + " (" + loc.op + ")";
    const std::string key = t.name.empty() ? t.fix : t.name;
    if (!seen.insert(key).second) continue;
    if (!fix.empty()) fix += "; ";
    fix += t.name.empty() ? t.fix : t.name + ": " + t.fix;
  }
  return fix;
}

Confidence confidence_of(const RuleContext& c, const Finding& f) {
  if (c.steps().method == StepMethod::kWindow) return Confidence::kLow;
  for (const Location& loc : f.locations) {
    if (loc.file.empty()) return Confidence::kMedium;
  }
  return Confidence::kHigh;
}

}  // namespace

std::vector<Finding> evaluate_blocking_rule(const RuleContext& c, const BlockingRuleSpec& spec) {
  SiteGroups groups;
  BlockCause cause = BlockCause::kExplicitSync;
  for (const HostBlock& b : c.host_blocks()) {
    if (!spec.selects(b) || !c.in_steps(b.start)) continue;
    cause = b.cause;
    const std::string what = describe_block(c, b);
    groups.add(locate_block(c, b, what), b.duration(), b.gpu_idle_after, evidence_of(b));
  }
  if (groups.empty()) return {};
  const double steps = c.step_count();
  const double per_step = double(groups.count()) / steps;
  const double cost = per_step_ms(groups.cost(), c);
  const double step_ms = c.median_step_ms();
  const double share = step_ms > 0 ? cost / step_ms : 0;
  if (per_step < spec.min_per_step && share < spec.min_step_share) return {};

  Finding f = c.make_finding(spec.id, severity_for_share(share));
  f.cost_ms_per_step = cost;
  f.estimated_saving_ms_per_step = per_step_ms(groups.saving(), c);
  groups.fill(f, steps);
  f.title = fmt::format("{} {} per step block the CPU for {} ms/step ({} of the step)",
                        fmt_ms(per_step), spec.what, fmt_ms(cost), fmt_pct(share));
  f.estimate_method = fmt::format(
      "GPU idle measured after these blocks until the host was ahead again, each capped at the "
      "time the host was blocked ({} ms/step of GPU idle follows them)",
      fmt_ms(f.estimated_saving_ms_per_step));
  f.fix = name_triggers(f, cause);
  f.confidence = confidence_of(c, f);
  f.evidence_counts["host_blocked_ms_per_step"] = cost;
  f.evidence_counts["gpu_idle_after_ms_per_step"] = f.estimated_saving_ms_per_step;
  return {f};
}

}  // namespace perfadvise
