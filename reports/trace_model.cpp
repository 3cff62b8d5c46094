#include "reports/trace_model.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "reports/common.h"

namespace perfadvise {
namespace {

bool outer_first(const TraceSlice& a, const TraceSlice& b) {
  if (a.start != b.start) return a.start < b.start;
  if (a.end != b.end) return a.end > b.end;
  return a.depth_hint < b.depth_hint;
}

// The API row of a correlation id, when its GPU work (kernel or copy) is the first of that id.
template <typename Row>
uint64_t flow_in_of(const Profile& p, const CorrelationIndex& index, uint32_t row,
                    const Row& event) {
  if (event.correlation_id == 0 || index.find(event.correlation_id) != row) return 0;
  if (p.api_by_correlation.find(event.correlation_id) == CorrelationIndex::kNone) return 0;
  return flow_id(p.provenance.pid, event.correlation_id);
}

uint64_t flow_out_of(const Profile& p, const ApiCall& call) {
  if (call.correlation_id == 0) return 0;
  bool has_gpu_work =
      p.kernel_by_correlation.find(call.correlation_id) != CorrelationIndex::kNone ||
      p.memcpy_by_correlation.find(call.correlation_id) != CorrelationIndex::kNone;
  return has_gpu_work ? flow_id(p.provenance.pid, call.correlation_id) : 0;
}

class ModelBuilder {
 public:
  ModelBuilder(TraceModel& model, TraceProcess& process)
      : model_(model), process_(process), p_(*process.profile) {}

  void build() {
    host_tracks();
    gpu_tracks();
    finding_tracks();
  }

 private:
  std::string_view own(std::string name) {
    model_.owned_names.push_back(std::move(name));
    return model_.owned_names.back();
  }

  void add_track(TraceTrack track, std::vector<TraceSlice> slices) {
    if (slices.empty()) return;
    model_.slice_count += slices.size();
    track.lanes = nest_into_lanes(std::move(slices));
    process_.tracks.push_back(std::move(track));
  }

  void host_tracks() {
    std::map<uint32_t, std::vector<TraceSlice>> api, nvtx;
    std::map<uint32_t, uint32_t> thread_of_call;  // correlation id -> thread
    for (uint32_t i = 0; i < p_.api_calls.size(); ++i) {
      const ApiCall& c = p_.api_calls[i];
      api[c.thread_id].push_back(
          {c.start, c.end, p_.strings[c.name], i, SliceKind::kApi, 0, flow_out_of(p_, c), 0});
    }
    for (uint32_t i = 0; i < p_.syncs.size(); ++i)
      sync_slice(i, api);
    for (uint32_t i = 0; i < p_.nvtx.size(); ++i) {
      const NvtxEvent& n = p_.nvtx[i];
      nvtx[n.thread_id].push_back({n.start, n.end, p_.strings[n.name], i, SliceKind::kNvtx});
    }
    for (auto& [tid, slices] : api) {
      add_track({fmt::format("thread {}", tid), tid, false, {}}, std::move(slices));
    }
    for (auto& [tid, slices] : nvtx) {
      add_track({fmt::format("NVTX (thread {})", tid), 0, false, {}}, std::move(slices));
    }
  }

  // A host-side wait, clamped into the API call that waited so that it nests inside it.
  void sync_slice(uint32_t i, std::map<uint32_t, std::vector<TraceSlice>>& api) {
    const Sync& s = p_.syncs[i];
    if (s.type == SyncType::kStreamWaitEvent) return;  // a GPU-side dependency, not a host wait
    uint32_t row = p_.api_by_correlation.find(s.correlation_id);
    if (row == CorrelationIndex::kNone) return;
    const ApiCall& call = p_.api_calls[row];
    TimeNs start = std::clamp(s.start, call.start, call.end);
    TimeNs end = std::clamp(s.end, start, call.end);
    api[call.thread_id].push_back({start, end,
                                   own(fmt::format("sync wait ({})", sync_type_name(s.type))), i,
                                   SliceKind::kSync, 1});
  }

  void gpu_tracks() {
    for (const GpuTrack& t : p_.gpu_tracks) {
      std::vector<TraceSlice> slices;
      for (uint32_t i : t.kernels) {
        const Kernel& k = p_.kernels[i];
        slices.push_back({k.start, k.end, p_.strings[k.name], i, SliceKind::kKernel, 0, 0,
                          flow_in_of(p_, p_.kernel_by_correlation, i, k)});
      }
      for (uint32_t i : t.memcpys) {
        const Memcpy& m = p_.memcpys[i];
        slices.push_back({m.start, m.end, copy_name(m), i, SliceKind::kMemcpy, 0, 0,
                          flow_in_of(p_, p_.memcpy_by_correlation, i, m)});
      }
      for (uint32_t i : t.memsets) {
        const Memset& m = p_.memsets[i];
        slices.push_back({m.start, m.end, "Memset", i, SliceKind::kMemset});
      }
      TraceTrack track{fmt::format("GPU {} stream {}", t.device, t.stream), 0, true, {}};
      add_track(std::move(track), std::move(slices));
    }
  }

  std::string_view copy_name(const Memcpy& m) {
    bool pageable = m.src_kind == MemoryKind::kPageable || m.dst_kind == MemoryKind::kPageable;
    std::string name =
        fmt::format("Memcpy {}{}", memcpy_kind_name(m.kind), pageable ? " (pageable)" : "");
    auto it = copy_names_.find(name);
    if (it == copy_names_.end()) it = copy_names_.emplace(name, own(name)).first;
    return it->second;
  }

  void finding_tracks() {
    if (!process_.analysis) return;
    const std::vector<Finding>& findings = process_.analysis->findings;
    for (uint32_t f = 0; f < findings.size(); ++f) {
      std::vector<std::pair<TimeNs, TimeNs>> spans;
      for (const EventRef& ref : findings[f].evidence_events) {
        if (auto span = event_span(p_, ref)) spans.push_back(*span);
      }
      std::sort(spans.begin(), spans.end());
      std::string_view name = own(fmt::format("[{}] {}", findings[f].rule_id, findings[f].title));
      std::vector<TraceSlice> slices;
      for (auto [start, end] : spans) {  // merged, so the track's slices never overlap
        if (!slices.empty() && start <= slices.back().end) {
          slices.back().end = std::max(slices.back().end, end);
        } else {
          slices.push_back({start, end, name, f, SliceKind::kFinding});
        }
      }
      add_track({fmt::format("finding {}: {}", f + 1, findings[f].rule_id), 0, false, {}},
                std::move(slices));
    }
  }

  TraceModel& model_;
  TraceProcess& process_;
  const Profile& p_;
  std::map<std::string, std::string_view> copy_names_;
};

}  // namespace

std::vector<std::vector<TraceSlice>> nest_into_lanes(std::vector<TraceSlice> slices) {
  std::sort(slices.begin(), slices.end(), outer_first);
  std::vector<std::vector<TraceSlice>> lanes;
  std::vector<std::vector<TimeNs>> open_ends;  // per lane: ends of the slices still open
  for (const TraceSlice& s : slices) {
    size_t lane = 0;
    for (; lane < lanes.size(); ++lane) {
      std::vector<TimeNs>& open = open_ends[lane];
      while (!open.empty() && open.back() <= s.start) {
        open.pop_back();
      }
      if (open.empty() || open.back() >= s.end) break;
    }
    if (lane == lanes.size()) {
      lanes.emplace_back();
      open_ends.emplace_back();
    }
    lanes[lane].push_back(s);
    open_ends[lane].push_back(s.end);
  }
  return lanes;
}

std::vector<Frame> python_frames(const Profile& profile, uint32_t correlation_id) {
  uint32_t row = profile.call_site_by_correlation.find(correlation_id);
  if (row == CorrelationIndex::kNone) return {};
  return profile.stack_frames(profile.call_sites[row].stack);
}

TraceModel build_trace_model(const Analysis& analysis) {
  TraceModel model;
  for (const ProcessAnalysis& pa : analysis.processes) {
    if (!pa.profile) continue;
    TraceProcess process;
    process.profile = pa.profile;
    process.analysis = &pa;
    process.pid = pa.profile->provenance.pid;
    process.name = fmt::format("{} {}", process_label(*pa.profile), pa.profile->provenance.command);
    model.processes.push_back(std::move(process));
  }
  for (TraceProcess& process : model.processes)
    ModelBuilder(model, process).build();
  return model;
}

}  // namespace perfadvise
