#include "rules/rule_util.h"

#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "analyzer/locations.h"

namespace perfadvise {

void SiteGroups::add(const Location& location, TimeNs cost, TimeNs saving, EventRef event) {
  Site& site = sites_[LocationResolver::key_of(location)];
  if (site.count == 0) site.location = location;
  ++site.count;
  site.cost += cost;
  site.saving += saving;
  if (site.events.size() < kMaxEvidenceEvents) site.events.push_back(event);
  ++count_;
  cost_ += cost;
  saving_ += saving;
}

void SiteGroups::add_many(const Location& location, uint64_t count, TimeNs cost, TimeNs saving,
                          const std::vector<EventRef>& events) {
  add_many(LocationResolver::key_of(location), location, count, cost, saving, events);
}

void SiteGroups::add_many(const std::string& key, const Location& location, uint64_t count,
                          TimeNs cost, TimeNs saving, const std::vector<EventRef>& events) {
  if (count == 0) return;
  Site& site = sites_[key];
  if (site.count == 0) site.location = location;
  site.count += count;
  site.cost += cost;
  site.saving += saving;
  for (const EventRef& e : events) {
    if (site.events.size() >= kMaxEvidenceEvents) break;
    site.events.push_back(e);
  }
  count_ += count;
  cost_ += cost;
  saving_ += saving;
}

std::vector<SiteGroups::Site> SiteGroups::sorted() const {
  std::vector<Site> out;
  for (const auto& [key, site] : sites_)
    out.push_back(site);
  std::stable_sort(out.begin(), out.end(),
                   [](const Site& a, const Site& b) { return a.cost > b.cost; });
  return out;
}

void SiteGroups::fill(Finding& finding, double steps) const {
  for (const Site& site : sorted()) {
    if (finding.locations.size() < kMaxLocations) {
      Location loc = site.location;
      loc.count_per_step = double(site.count) / steps;
      loc.cost_ms_per_step = double(site.cost) / 1e6 / steps;
      finding.locations.push_back(std::move(loc));
    }
    for (const EventRef& e : site.events) {
      if (finding.evidence_events.size() < kMaxEvidenceEvents) finding.evidence_events.push_back(e);
    }
  }
  finding.evidence_counts["events"] = double(count_);
  finding.evidence_counts["events_per_step"] = double(count_) / steps;
  finding.evidence_counts["locations"] = double(sites_.size());
}

void KernelGroup::add(const Profile& p, uint32_t kernel, TimeNs cost) {
  ++count_;
  cost_ += cost;
  if (events_.size() < kMaxEvidenceEvents) events_.push_back({EventRef::Table::kKernel, kernel});
  const uint32_t site = p.call_site_by_correlation.find(p.kernels[kernel].correlation_id);
  if (site == CorrelationIndex::kNone || p.call_sites[site].user_frame == 0) return;
  ++launches_by_frame_[p.call_sites[site].user_frame - 1];
}

void KernelGroup::add_to(SiteGroups& groups, const Profile& p, std::string op) const {
  Location location;
  location.op = std::move(op);
  auto top = std::max_element(launches_by_frame_.begin(), launches_by_frame_.end(),
                              [](const auto& a, const auto& b) { return a.second < b.second; });
  if (top != launches_by_frame_.end()) {
    const Frame& f = p.frames[top->first];
    location.file = p.strings[f.file];
    location.line = f.line;
    location.function = p.strings[f.function];
  }
  groups.add_many(location.op, location, count_, cost_, 0, events_);
}

Severity severity_for_share(double share) {
  if (share >= 0.20) return Severity::kCritical;
  if (share >= 0.03) return Severity::kWarning;
  return Severity::kInfo;
}

std::string fmt_ms(double ms) {
  if (ms >= 100) return fmt::format("{:.0f}", ms);
  if (ms >= 1) return fmt::format("{:.1f}", ms);
  if (ms >= 0.01) return fmt::format("{:.2f}", ms);
  return fmt::format("{:.3f}", ms);
}

std::string fmt_pct(double share) {
  return fmt::format("{:.0f}%", share * 100);
}

}  // namespace perfadvise

namespace perfadvise {

namespace {

// Demangled names of function templates carry their return type: "void f<...>(...)", and cuBLAS's
// "std::enable_if<!(false), void>::type internal::gemvx::kernel<...>(...)". The name proper
// starts after the last space outside template brackets and parentheses, before the arguments.
std::string_view without_return_type(std::string_view s) {
  int depth = 0;
  size_t name_start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '(' && depth == 0 && i > 0) break;  // the argument list
    if (c == '<' || c == '(') ++depth;
    if ((c == '>' || c == ')') && depth > 0) --depth;
    if (c == ' ' && depth == 0) name_start = i + 1;
  }
  return s.substr(name_start);
}

}  // namespace

std::string short_kernel_name(const std::string& name) {
  std::string_view s = without_return_type(name);
  // "(anonymous namespace)::f<...>": the name's own brackets come after the leading group.
  const size_t from = s.starts_with("(") ? s.find(')') + 1 : 0;
  const size_t cut = s.find_first_of("<(", from);
  std::string out(s.substr(0, cut));
  if (out.empty()) out = std::string(s.substr(0, 80));
  // PyTorch's generic launchers say little; the functor or op inside the template says more.
  static const std::regex kFunctor(
      R"(([A-Za-z0-9_]+(Functor|Ops|_kernel_cuda|_kernel_impl|_functor)[A-Za-z0-9_]*))");
  // The last functor of the template arguments is the innermost: MulFunctor, not the
  // BinaryFunctor wrapping it.
  std::string rest(s.substr(cut == std::string_view::npos ? s.size() : cut));
  rest = rest.substr(0, rest.find(">("));
  std::string functor;
  for (std::sregex_iterator it(rest.begin(), rest.end(), kFunctor), end; it != end; ++it) {
    functor = (*it)[1].str();
  }
  if (!functor.empty()) out += "<" + functor + ">";
  if (out.size() > 120) out = out.substr(0, 117) + "...";
  return out;
}

}  // namespace perfadvise
