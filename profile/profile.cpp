#include "profile/profile.h"

#include "profile/launch_context.h"

#include <map>
#include <tuple>

namespace perfadvise {

void StringTable::set(StringId id, std::string value) {
  if (id == 0) return;
  if (id >= strings_.size()) strings_.resize(id + 1);
  strings_[id] = std::move(value);
}

StringId StringTable::add(std::string value) {
  strings_.push_back(std::move(value));
  return static_cast<StringId>(strings_.size() - 1);
}

StringId StringTable::find(std::string_view value) const {
  for (size_t i = 1; i < strings_.size(); ++i) {
    if (strings_[i] == value) return static_cast<StringId>(i);
  }
  return 0;
}

uint32_t CorrelationIndex::find(uint32_t correlation_id) const {
  auto [first, last] = equal_range(correlation_id);
  return first == last ? kNone : first->second;
}

std::pair<const std::pair<uint32_t, uint32_t>*, const std::pair<uint32_t, uint32_t>*>
CorrelationIndex::equal_range(uint32_t correlation_id) const {
  // Binary searches for both ends: a run of one id may be long (a CUDA graph's kernels).
  auto [first, last] = std::equal_range(
      pairs_.begin(), pairs_.end(), std::pair<uint32_t, uint32_t>{correlation_id, 0},
      [](const auto& a, const auto& b) { return a.first < b.first; });
  return {pairs_.data() + (first - pairs_.begin()), pairs_.data() + (last - pairs_.begin())};
}

std::vector<uint32_t> CorrelationIndex::repeated_ids() const {
  std::vector<uint32_t> ids;
  for (size_t i = 1; i < pairs_.size(); ++i) {
    if (pairs_[i].first == pairs_[i - 1].first && (ids.empty() || ids.back() != pairs_[i].first)) {
      ids.push_back(pairs_[i].first);
    }
  }
  return ids;
}

namespace {

template <typename Row>
void sort_by_time(std::vector<Row>& rows) {
  auto earlier = [](const Row& a, const Row& b) {
    return std::tie(a.start, a.end) < std::tie(b.start, b.end);
  };
  // Collector files are nearly sorted already; checking first skips most of the work.
  if (!std::is_sorted(rows.begin(), rows.end(), earlier)) {
    std::stable_sort(rows.begin(), rows.end(), earlier);
  }
}

template <typename Row>
void extend_span(const std::vector<Row>& rows, TimeNs& first, TimeNs& last) {
  for (const Row& row : rows) {
    first = std::min(first, row.start);
    last = std::max(last, row.end);
  }
}

}  // namespace

void Profile::build_indexes() {
  sort_by_time(kernels);
  sort_by_time(memcpys);
  sort_by_time(memsets);
  sort_by_time(syncs);
  sort_by_time(api_calls);
  sort_by_time(nvtx);
  sort_by_time(overheads);
  std::stable_sort(call_sites.begin(), call_sites.end(),
                   [](const CallSite& a, const CallSite& b) { return a.time < b.time; });

  api_by_correlation.build(api_calls);
  repeated_api_correlations = api_by_correlation.repeated_ids();
  api_calls_with_repeated_correlation = 0;
  if (!repeated_api_correlations.empty()) {
    for (const ApiCall& call : api_calls) {
      api_calls_with_repeated_correlation += std::binary_search(
          repeated_api_correlations.begin(), repeated_api_correlations.end(), call.correlation_id);
    }
    api_by_correlation.build(api_calls, repeated_api_correlations);
  }
  kernel_by_correlation.build(kernels, repeated_api_correlations);
  memcpy_by_correlation.build(memcpys, repeated_api_correlations);
  call_site_by_correlation.build(call_sites, repeated_api_correlations);

  std::map<std::pair<uint32_t, uint32_t>, GpuTrack> gpu;
  auto gpu_track = [&](uint32_t device, uint32_t stream) -> GpuTrack& {
    GpuTrack& track = gpu[{device, stream}];
    track.device = device;
    track.stream = stream;
    return track;
  };
  for (uint32_t i = 0; i < kernels.size(); ++i) {
    gpu_track(kernels[i].device, kernels[i].stream).kernels.push_back(i);
  }
  for (uint32_t i = 0; i < memcpys.size(); ++i) {
    gpu_track(memcpys[i].device, memcpys[i].stream).memcpys.push_back(i);
  }
  for (uint32_t i = 0; i < memsets.size(); ++i) {
    gpu_track(memsets[i].device, memsets[i].stream).memsets.push_back(i);
  }
  gpu_tracks.clear();
  for (auto& [key, track] : gpu)
    gpu_tracks.push_back(std::move(track));

  std::map<uint32_t, CpuTrack> cpu;
  for (uint32_t i = 0; i < api_calls.size(); ++i) {
    CpuTrack& track = cpu[api_calls[i].thread_id];
    track.thread_id = api_calls[i].thread_id;
    track.api_calls.push_back(i);
  }
  for (uint32_t i = 0; i < nvtx.size(); ++i) {
    CpuTrack& track = cpu[nvtx[i].thread_id];
    track.thread_id = nvtx[i].thread_id;
    track.nvtx.push_back(i);
  }
  cpu_tracks.clear();
  for (auto& [thread, track] : cpu)
    cpu_tracks.push_back(std::move(track));
  link_launch_context(*this);
}

std::vector<Frame> Profile::stack_frames(uint32_t stack_id) const {
  std::vector<Frame> result;
  // Bounded walk: a corrupt file must not loop forever.
  for (uint32_t node = stack_id;
       node != 0 && node <= stack_nodes.size() && result.size() < stack_nodes.size();) {
    const StackNode& n = stack_nodes[node - 1];
    if (n.frame != 0 && n.frame <= frames.size()) result.push_back(frames[n.frame - 1]);
    node = n.parent;
  }
  return result;
}

std::pair<TimeNs, TimeNs> Profile::time_span() const {
  TimeNs first = INT64_MAX, last = INT64_MIN;
  extend_span(kernels, first, last);
  extend_span(memcpys, first, last);
  extend_span(memsets, first, last);
  extend_span(syncs, first, last);
  extend_span(api_calls, first, last);
  extend_span(nvtx, first, last);
  if (first > last) return {0, 0};
  return {first, last};
}

const Device& Profile::device(uint32_t id) const {
  static const Device kUnknown{};
  for (const Device& d : devices) {
    if (d.id == id) return d;
  }
  return kUnknown;
}

}  // namespace perfadvise
