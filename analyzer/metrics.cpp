#include "analyzer/metrics.h"

#include <algorithm>
#include <array>

namespace perfadvise {
namespace {

constexpr double kMs = 1e6;

// Rows whose start lies in [start, end) of a start-sorted table.
template <typename Row>
std::pair<size_t, size_t> rows_in(const std::vector<Row>& rows, TimeNs start, TimeNs end) {
  auto by_start = [](const Row& r, TimeNs t) { return r.start < t; };
  auto first = std::lower_bound(rows.begin(), rows.end(), start, by_start);
  auto last = std::lower_bound(first, rows.end(), end, by_start);
  return {size_t(first - rows.begin()), size_t(last - rows.begin())};
}

TimeNs overlap(TimeNs a0, TimeNs a1, TimeNs b0, TimeNs b1) {
  return std::max<TimeNs>(0, std::min(a1, b1) - std::max(a0, b0));
}

// Sum of overlaps of sorted disjoint intervals with [start, end); `cursor` only moves forward
// across calls with increasing steps.
template <typename Interval, typename Fn>
void for_overlapping(const std::vector<Interval>& items, size_t& cursor, TimeNs start, TimeNs end,
                     Fn fn) {
  while (cursor < items.size() && items[cursor].end <= start)
    ++cursor;
  for (size_t i = cursor; i < items.size() && items[i].start < end; ++i) {
    const TimeNs o = overlap(items[i].start, items[i].end, start, end);
    if (o > 0) fn(items[i], o);
  }
}

void add_time_split(const GpuTimeline& t, size_t& busy_cursor, size_t& idle_cursor,
                    const Step& step, StepMetrics& m) {
  TimeNs busy = 0, host = 0, launch = 0, first_busy = step.end;
  for_overlapping(t.busy, busy_cursor, step.start, step.end, [&](const TimeInterval& b, TimeNs o) {
    busy += o;
    first_busy = std::min(first_busy, std::max(b.start, step.start));
  });
  TimeNs leading_host_wait = 0;
  for_overlapping(t.idle, idle_cursor, step.start, step.end, [&](const IdleSegment& s, TimeNs o) {
    if (s.kind == IdleKind::kHostWait) {
      host += o;
      leading_host_wait += overlap(s.start, s.end, step.start, first_busy);
    }
    if (s.kind == IdleKind::kLaunchGap) launch += o;
  });
  const TimeNs wall = step.end - step.start;
  m.wall_ms = double(wall) / kMs;
  m.gpu_busy_ms = double(busy) / kMs;
  m.idle_host_wait_ms = double(host) / kMs;
  m.idle_launch_gap_ms = double(launch) / kMs;
  m.idle_other_ms = std::max(0.0, double(wall - busy - host - launch) / kMs);
  m.idle_step_start_ms =
      double(std::max<TimeNs>(0, first_busy - step.start - leading_host_wait)) / kMs;
}

void add_kernels(const MetricInputs& in, const Step& step, StepMetrics& m) {
  auto [first, last] = rows_in(in.profile.kernels, step.start, step.end);
  m.kernels = last - first;
  // Summed per category in an array; the map (keyed by name) is filled once per step.
  std::array<TimeNs, kKernelCategoryCount> time{};
  std::array<bool, kKernelCategoryCount> seen{};
  for (size_t i = first; i < last; ++i) {
    const Kernel& k = in.profile.kernels[i];
    const KernelCategory c = k.name < in.kernel_classes.size() ? in.kernel_classes[k.name].category
                                                               : KernelCategory::kUnknown;
    time[size_t(c)] += k.end - k.start;
    seen[size_t(c)] = true;
  }
  for (size_t c = 0; c < kKernelCategoryCount; ++c) {
    if (seen[c])
      m.category_ms[std::string(category_name(KernelCategory(c)))] = double(time[c]) / kMs;
  }
}

void add_api_calls(const MetricInputs& in, const Step& step, StepMetrics& m, bool has_launch_api) {
  auto [first, last] = rows_in(in.profile.api_calls, step.start, step.end);
  for (size_t i = first; i < last; ++i) {
    const ApiCall& call = in.profile.api_calls[i];
    const ApiKind kind =
        call.name < in.api_kinds.size() ? in.api_kinds[call.name] : ApiKind::kOther;
    if (kind == ApiKind::kKernelLaunch) ++m.kernel_launches;
    if (kind == ApiKind::kGraphLaunch) ++m.graph_launches;
    if (kind == ApiKind::kAlloc || kind == ApiKind::kFree) ++m.allocations;
    if (const char* name = sync_kind_name(kind)) ++m.syncs_by_kind[name];
  }
  if (!has_launch_api) m.kernel_launches = m.kernels;
}

void add_sync_records(const MetricInputs& in, const Step& step, StepMetrics& m) {
  auto [first, last] = rows_in(in.profile.syncs, step.start, step.end);
  for (size_t i = first; i < last; ++i) {
    if (const char* name = sync_kind_name(in.profile.syncs[i].type)) ++m.syncs_by_kind[name];
  }
}

void add_copies(const MetricInputs& in, const Step& step, StepMetrics& m) {
  auto [first, last] = rows_in(in.profile.memcpys, step.start, step.end);
  for (size_t i = first; i < last; ++i) {
    const Memcpy& c = in.profile.memcpys[i];
    const std::string direction = direction_name(c.kind);
    const MemoryKind host = host_memory_kind(c);
    const std::string memory = direction + " " + memory_kind_name(host);
    ++m.copies_by_direction[direction];
    m.bytes_by_direction[direction] += c.bytes;
    ++m.copies_by_memory[memory];
    m.bytes_by_memory[memory] += c.bytes;
    if (host == MemoryKind::kPageable) ++m.pageable_copies;
  }
}

void add_host_blocked(const std::vector<HostBlock>& blocks, size_t& cursor, const Step& step,
                      StepMetrics& m) {
  while (cursor < blocks.size() && blocks[cursor].start < step.start)
    ++cursor;
  for (size_t i = cursor; i < blocks.size() && blocks[i].start < step.end; ++i) {
    m.host_blocked_ms += double(blocks[i].duration()) / kMs;
  }
}

bool any_launch_api(const MetricInputs& in) {
  for (ApiKind kind : in.api_kinds) {
    if (kind == ApiKind::kKernelLaunch || kind == ApiKind::kGraphLaunch) return true;
  }
  return false;
}

}  // namespace

std::vector<StepMetrics> compute_step_metrics(const MetricInputs& in,
                                              const std::vector<Step>& steps) {
  std::vector<StepMetrics> out(steps.size());
  const bool has_launch_api = any_launch_api(in);
  size_t busy_cursor = 0, idle_cursor = 0, block_cursor = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    StepMetrics& m = out[i];
    add_time_split(in.timeline, busy_cursor, idle_cursor, steps[i], m);
    add_kernels(in, steps[i], m);
    add_api_calls(in, steps[i], m, has_launch_api);
    if (in.profile.api_calls.empty()) add_sync_records(in, steps[i], m);
    add_copies(in, steps[i], m);
    add_host_blocked(in.blocks, block_cursor, steps[i], m);
  }
  return out;
}

}  // namespace perfadvise
