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

namespace {

std::vector<PickedBlock> pick_blocks(const RuleContext& c, const BlockingRuleSpec& spec) {
  std::vector<PickedBlock> picked;
  const std::vector<HostBlock>& blocks = c.host_blocks();
  for (uint32_t i = 0; i < blocks.size(); ++i) {
    const HostBlock& b = blocks[i];
    if (!spec.selects(b) || !c.in_steps(b.start)) continue;
    picked.push_back({i, locate_block(c, b, describe_block(c, b))});
  }
  return picked;
}

std::string estimate_method(const BlockingRuleSpec& spec, double idle_ms, double extra_ms) {
  std::string text = fmt::format(
      "GPU idle measured after these blocks until the host was ahead again, capped at the time "
      "the host was blocked; a block inside an idle stretch that an earlier block opened adds "
      "its time to that budget and takes the stretch over ({} ms/step of GPU idle follows "
      "them)",
      fmt_ms(idle_ms));
  if (!spec.extra_saving_method.empty()) {
    text += fmt::format(", plus {} ({} ms/step)", spec.extra_saving_method, fmt_ms(extra_ms));
  }
  return text;
}

}  // namespace

std::vector<Finding> evaluate_blocking_rule(const RuleContext& c, const BlockingRuleSpec& spec) {
  const std::vector<PickedBlock> picked = pick_blocks(c, spec);
  if (picked.empty()) return {};
  std::vector<TimeNs> extra(picked.size(), 0);
  if (spec.extra_saving) extra = spec.extra_saving(c, picked);
  SiteGroups groups;
  TimeNs idle = 0, extra_total = 0;
  for (size_t i = 0; i < picked.size(); ++i) {
    const HostBlock& b = c.host_blocks()[picked[i].block];
    idle += b.gpu_idle_after;
    extra_total += extra[i];
    groups.add(picked[i].location, b.duration(), b.gpu_idle_after + extra[i], evidence_of(b));
  }
  const BlockCause cause = c.host_blocks()[picked.back().block].cause;
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
  f.estimate_method = estimate_method(spec, per_step_ms(idle, c), per_step_ms(extra_total, c));
  f.fix = name_triggers(f, cause);
  f.confidence = confidence_of(c, f);
  f.evidence_counts["host_blocked_ms_per_step"] = cost;
  f.evidence_counts["gpu_idle_after_ms_per_step"] = per_step_ms(idle, c);
  if (spec.extra_saving)
    f.evidence_counts["extra_gpu_work_ms_per_step"] = per_step_ms(extra_total, c);
  return {f};
}

}  // namespace perfadvise
