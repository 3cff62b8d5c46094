#include "gate/sync_sites.h"

#include <algorithm>
#include <map>

#include "analyzer/api_kinds.h"
#include "analyzer/locations.h"

namespace perfadvise::gate {
namespace {

bool inside_steps(TimeNs time, const std::vector<Step>& steps) {
  auto after = std::upper_bound(steps.begin(), steps.end(), time,
                                [](TimeNs t, const Step& s) { return t < s.start; });
  return after != steps.begin() && time < std::prev(after)->end;
}

SyncSite site_of(const LocationResolver& resolver, uint32_t correlation_id, const std::string& api,
                 const char* kind) {
  const Location loc = resolver.locate(correlation_id, api);
  SyncSite site;
  site.kind = kind;
  site.api = api;
  site.op = loc.op == api ? "" : loc.op;
  site.function = loc.function;
  if (!loc.file.empty()) site.location = loc.file + ":" + std::to_string(loc.line);
  return site;
}

}  // namespace

std::string SyncSite::describe() const {
  std::string text = location.empty() ? std::string("(no Python frame)") : location;
  if (!function.empty()) text += " " + function;
  std::string call = op.empty() ? api : op + " -> " + api;
  if (!call.empty()) text += " (" + call + ")";
  return text;
}

std::vector<SyncSite> find_sync_sites(const Profile& profile, const std::vector<Step>& steps) {
  const LocationResolver resolver(profile);
  const std::vector<ApiKind> kinds = classify_api_names(profile);
  std::map<std::string, SyncSite> by_key;
  auto count = [&](SyncSite site) {
    SyncSite& slot = by_key.try_emplace(site.key(), site).first->second;
    slot.per_step += 1;
  };
  // As the analyzer counts them: blocking API calls, or the sync records of a profile that
  // has no API calls.
  for (const ApiCall& call : profile.api_calls) {
    const char* kind = call.name < kinds.size() ? sync_kind_name(kinds[call.name]) : nullptr;
    if (kind == nullptr || !inside_steps(call.start, steps)) continue;
    count(site_of(resolver, call.correlation_id, normalize_api_name(profile.strings[call.name]),
                  kind));
  }
  if (profile.api_calls.empty()) {
    for (const Sync& s : profile.syncs) {
      const char* kind = sync_kind_name(s.type);
      if (kind == nullptr || !inside_steps(s.start, steps)) continue;
      count(site_of(resolver, s.correlation_id, "", kind));
    }
  }
  std::vector<SyncSite> sites;
  const double n = steps.empty() ? 1.0 : static_cast<double>(steps.size());
  for (auto& [key, site] : by_key) {
    site.per_step /= n;
    sites.push_back(std::move(site));
  }
  sort_sync_sites(sites);
  return sites;
}

void merge_sync_sites(const std::vector<SyncSite>& sites, std::vector<SyncSite>& total) {
  for (const SyncSite& site : sites) {
    auto same = std::find_if(total.begin(), total.end(),
                             [&](const SyncSite& t) { return t.key() == site.key(); });
    if (same == total.end()) {
      total.push_back(site);
    } else {
      same->per_step += site.per_step;
    }
  }
}

void sort_sync_sites(std::vector<SyncSite>& sites) {
  std::stable_sort(sites.begin(), sites.end(), [](const SyncSite& a, const SyncSite& b) {
    if (a.per_step != b.per_step) return a.per_step > b.per_step;
    return a.key() < b.key();
  });
}

}  // namespace perfadvise::gate
