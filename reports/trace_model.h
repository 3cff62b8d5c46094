// The timeline of an analysis as tracks of slices, shared by the Perfetto and Chrome trace
// writers: one process per profile, a track per host thread (API calls, sync waits), an NVTX
// track per thread, a track per GPU stream (kernels, copies, memsets), and one track per finding.
// Slices that overlap without nesting go to extra lanes, so every lane nests strictly.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/analysis.h"

namespace perfadvise {

enum class SliceKind : uint8_t { kApi, kSync, kNvtx, kKernel, kMemcpy, kMemset, kFinding };

struct TraceSlice {
  TimeNs start = 0;
  TimeNs end = 0;
  std::string_view name;  // points into the Profile's strings or the TraceModel's own
  uint32_t index = 0;     // row in the Profile table of `kind`; the finding number for findings
  SliceKind kind = SliceKind::kApi;
  uint8_t depth_hint = 0;  // among equal intervals, lower goes outside (API call around its sync)
  uint64_t flow_out = 0;   // launch side of a launch -> GPU work flow (0: none)
  uint64_t flow_in = 0;    // GPU side of the flow
};

struct TraceTrack {
  std::string name;
  uint32_t thread_id = 0;  // host thread tracks: the OS thread id; 0 otherwise
  bool gpu = false;
  std::vector<std::vector<TraceSlice>> lanes;  // lane 0 is the track itself
};

struct TraceProcess {
  const Profile* profile = nullptr;
  const ProcessAnalysis* analysis = nullptr;
  uint32_t pid = 0;
  std::string name;
  std::vector<TraceTrack> tracks;
};

struct TraceModel {
  std::vector<TraceProcess> processes;
  std::deque<std::string> owned_names;  // names made up by the model (copies, findings)
  uint64_t slice_count = 0;
};

/// Global flow id of a correlation id: correlation ids repeat across processes.
inline uint64_t flow_id(uint32_t pid, uint32_t correlation_id) {
  return (uint64_t{pid} << 32) | correlation_id;
}

TraceModel build_trace_model(const Analysis& analysis);

/// Splits slices into lanes in which slices are disjoint or strictly nested. Each lane is
/// sorted by start (outer slices first).
std::vector<std::vector<TraceSlice>> nest_into_lanes(std::vector<TraceSlice> slices);

/// The Python stack of the call with this correlation id, innermost first ("file:line function").
std::vector<Frame> python_frames(const Profile& profile, uint32_t correlation_id);

/// Key/value details of a slice, for the trace viewers' details panel.
struct SliceDetail {
  std::string_view key;
  std::string value;
};
std::vector<SliceDetail> slice_details(const TraceProcess& process, const TraceSlice& slice);

}  // namespace perfadvise
