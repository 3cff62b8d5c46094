// Helpers shared by rules: grouping events by the user's code location, per-step numbers,
// severity from a share of the step, and number formatting for titles.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/rule_context.h"

namespace perfadvise {

inline constexpr size_t kMaxEvidenceEvents = 64;
inline constexpr size_t kMaxLocations = 20;

/// Events grouped by location ("file:line", or the op when there is no Python frame).
class SiteGroups {
 public:
  struct Site {
    Location location;
    uint64_t count = 0;
    TimeNs cost = 0;
    TimeNs saving = 0;
    std::vector<EventRef> events;
  };

  void add(const Location& location, TimeNs cost, TimeNs saving, EventRef event);
  /// `count` events at one location at once (their cost and saving summed).
  void add_many(const Location& location, uint64_t count, TimeNs cost, TimeNs saving,
                const std::vector<EventRef>& events);
  /// The same under an explicit key: kernel groups are told apart by their op even when
  /// their sampled Python line is the same.
  void add_many(const std::string& key, const Location& location, uint64_t count, TimeNs cost,
                TimeNs saving, const std::vector<EventRef>& events);
  bool empty() const { return sites_.empty(); }
  uint64_t count() const { return count_; }
  TimeNs cost() const { return cost_; }
  TimeNs saving() const { return saving_; }
  /// Sites, most costly first.
  std::vector<Site> sorted() const;
  /// Fills the finding's locations (per step), evidence events and counts.
  void fill(Finding& finding, double steps) const;

 private:
  std::map<std::string, Site> sites_;
  uint64_t count_ = 0;
  TimeNs cost_ = 0, saving_ = 0;
};

/// Kernels that become one location (one kernel name, one GEMM, ...): how many, what they
/// cost, a bounded sample as evidence, and the Python line most of their sampled launches came
/// from (`perfadvise run --kernel-lines N` captures the stack of one launch in N), so that a
/// group of many launches names its line although most of them were not sampled.
class KernelGroup {
 public:
  void add(const Profile& p, uint32_t kernel, TimeNs cost);
  /// Adds the group to `groups` as a location with this op, keyed by the op: two groups of one
  /// line stay two locations.
  void add_to(SiteGroups& groups, const Profile& p, std::string op) const;

 private:
  uint64_t count_ = 0;
  TimeNs cost_ = 0;
  std::vector<EventRef> events_;
  std::map<uint32_t, uint32_t> launches_by_frame_;  // user frame index -> sampled launches
};

/// ns over the measured steps -> ms per step.
inline double per_step_ms(TimeNs total, const RuleContext& c) {
  return double(total) / 1e6 / c.step_count();
}

/// critical at >= 20% of the step, warning at >= 3%, else info.
Severity severity_for_share(double share_of_step);

/// "24.1", "0.31", "1204": milliseconds with a precision that suits the magnitude.
std::string fmt_ms(double ms);
/// "33%" of a share in [0, 1].
std::string fmt_pct(double share);

/// Total GPU time of kernels (in the measured steps) for which `pick` returns true, in ns.
template <typename Pick>
TimeNs kernel_time_in_steps(const RuleContext& c, Pick pick) {
  const std::vector<Kernel>& kernels = c.profile().kernels;
  TimeNs total = 0;
  for (uint32_t i = 0; i < kernels.size(); ++i) {
    if (c.kernel_in_steps(i) && pick(kernels[i])) total += kernels[i].end - kernels[i].start;
  }
  return total;
}

/// GPU kernel time in the measured steps (ns).
inline TimeNs total_kernel_time(const RuleContext& c) {
  return c.kernel_time_in_steps();
}

}  // namespace perfadvise

namespace perfadvise {

/// A demangled kernel name without return type, namespaces' noise and template arguments, for
/// titles and locations: "void at::native::vectorized_elementwise_kernel<4, ...>(...)" ->
/// "at::native::vectorized_elementwise_kernel".
std::string short_kernel_name(const std::string& name);

/// Kernel time (ns, measured steps) grouped by kernel name, for kernels `pick` accepts; as
/// locations (op = short name), most costly first, and the total.
struct KernelGroups {
  SiteGroups groups;
  TimeNs total = 0;
};
template <typename Pick>
KernelGroups group_kernels(const RuleContext& c, Pick pick) {
  // Accumulate per kernel name first: one Location per distinct name, not per kernel.
  const Profile& p = c.profile();
  std::unordered_map<StringId, KernelGroup> by_name;
  KernelGroups out;
  for (uint32_t i = 0; i < p.kernels.size(); ++i) {
    const Kernel& k = p.kernels[i];
    if (!c.kernel_in_steps(i) || !pick(k)) continue;
    by_name[k.name].add(p, i, k.end - k.start);
    out.total += k.end - k.start;
  }
  for (const auto& [name, group] : by_name) {
    group.add_to(out.groups, p, short_kernel_name(p.strings[name]));
  }
  return out;
}

}  // namespace perfadvise
