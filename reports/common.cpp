#include "reports/common.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace perfadvise {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kCritical:
      return "critical";
  }
  return "warning";
}

std::string_view confidence_name(Confidence confidence) {
  switch (confidence) {
    case Confidence::kLow:
      return "low";
    case Confidence::kMedium:
      return "medium";
    case Confidence::kHigh:
      return "high";
  }
  return "medium";
}

std::string_view step_method_name(StepMethod method) {
  switch (method) {
    case StepMethod::kNvtx:
      return "nvtx";
    case StepMethod::kPeriodic:
      return "periodic";
    case StepMethod::kWindow:
      return "window";
  }
  return "window";
}

std::string_view event_table_name(EventRef::Table table) {
  switch (table) {
    case EventRef::Table::kKernel:
      return "kernel";
    case EventRef::Table::kMemcpy:
      return "memcpy";
    case EventRef::Table::kMemset:
      return "memset";
    case EventRef::Table::kSync:
      return "sync";
    case EventRef::Table::kApiCall:
      return "api_call";
    case EventRef::Table::kNvtx:
      return "nvtx";
    case EventRef::Table::kCallSite:
      return "call_site";
  }
  return "kernel";
}

std::string_view memcpy_kind_name(MemcpyKind kind) {
  static constexpr std::string_view kNames[] = {"unknown", "HtoD", "DtoH", "HtoA", "AtoH", "AtoA",
                                                "AtoD",    "DtoA", "DtoD", "HtoH", "PtoP"};
  auto index = static_cast<size_t>(kind);
  return index < std::size(kNames) ? kNames[index] : "unknown";
}

std::string_view sync_type_name(SyncType type) {
  switch (type) {
    case SyncType::kEventSynchronize:
      return "event";
    case SyncType::kStreamWaitEvent:
      return "stream wait event";
    case SyncType::kStreamSynchronize:
      return "stream";
    case SyncType::kContextSynchronize:
      return "device";
    case SyncType::kUnknown:
      break;
  }
  return "unknown";
}

std::string location_label(const Location& location) {
  if (location.file.empty()) return location.op.empty() ? "(unknown)" : location.op;
  return location.line ? fmt::format("{}:{}", location.file, location.line) : location.file;
}

std::string format_ms(double ms) {
  double magnitude = std::fabs(ms);
  if (magnitude >= 1000) return fmt::format("{:.0f} ms", ms);
  if (magnitude >= 10) return fmt::format("{:.1f} ms", ms);
  if (magnitude >= 1) return fmt::format("{:.2f} ms", ms);
  return fmt::format("{:.3f} ms", ms);
}

std::string format_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  size_t unit = 0;
  while (bytes >= 1000 && unit + 1 < std::size(kUnits)) {
    bytes /= 1000;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

namespace {

template <typename Row>
std::optional<std::pair<TimeNs, TimeNs>> span_in(const std::vector<Row>& rows, uint32_t index) {
  if (index >= rows.size()) return std::nullopt;
  return std::make_pair(rows[index].start, rows[index].end);
}

}  // namespace

std::optional<std::pair<TimeNs, TimeNs>> event_span(const Profile& profile, const EventRef& ref) {
  switch (ref.table) {
    case EventRef::Table::kKernel:
      return span_in(profile.kernels, ref.index);
    case EventRef::Table::kMemcpy:
      return span_in(profile.memcpys, ref.index);
    case EventRef::Table::kMemset:
      return span_in(profile.memsets, ref.index);
    case EventRef::Table::kSync:
      return span_in(profile.syncs, ref.index);
    case EventRef::Table::kApiCall:
      return span_in(profile.api_calls, ref.index);
    case EventRef::Table::kNvtx:
      return span_in(profile.nvtx, ref.index);
    case EventRef::Table::kCallSite:
      if (ref.index >= profile.call_sites.size()) return std::nullopt;
      return std::make_pair(profile.call_sites[ref.index].time, profile.call_sites[ref.index].time);
  }
  return std::nullopt;
}

std::string process_label(const Profile& profile) {
  const Provenance& p = profile.provenance;
  if (p.rank >= 0) return fmt::format("rank {} (pid {})", p.rank, p.pid);
  return fmt::format("pid {}", p.pid);
}

Verdict verdict_of(const ProcessAnalysis& process) {
  std::vector<double> wall, share;
  for (const StepMetrics& m : process.per_step) {
    wall.push_back(m.wall_ms);
    share.push_back(m.gpu_busy_share());
  }
  return Verdict{process.per_step.size(), spread_of(wall).median, spread_of(share).median};
}

std::string overhead_line(const RecordingOverhead& o) {
  const std::string what = o.of == "gemm-shapes"    ? "GEMM-shape capture overhead"
                           : o.of == "kernel-lines" ? "kernel-line sampling overhead"
                                                    : "recording overhead";
  if (o.ratio <= 0) return what + ": not measured: " + o.note;
  // The means weigh every recorded step: with sampled launch detail only some carry its cost.
  const double mean_ratio =
      o.paused_step_ms.mean > 0 ? o.recorded_step_ms.mean / o.paused_step_ms.mean : 0;
  return fmt::format(
      "{}: {:+.1f}% per step (median of {} window pairs, {:+.1f}% to {:+.1f}%; "
      "all steps: recorded {} x{}, paused {} x{}; means {:+.1f}%)",
      what, (o.ratio - 1) * 100, o.window_pairs, (o.pair_ratio.min - 1) * 100,
      (o.pair_ratio.max - 1) * 100, format_ms(o.recorded_step_ms.median), o.recorded_steps,
      format_ms(o.paused_step_ms.median), o.paused_steps, (mean_ratio - 1) * 100);
}

std::string launch_detail_line(const LaunchDetailSampling& d) {
  const std::string what =
      d.schedule.empty() ? "launch detail sampled" : "launch detail sampled (" + d.schedule + ")";
  if (!d.note.empty()) return what + ": " + d.note;
  return fmt::format(
      "{}: {} of {} steps analyzed, those with every launch's API record, GEMM shape and kernel "
      "line (perfadvise run --launch-detail all keeps them for every step)",
      what, d.analyzed_steps, d.steps);
}

}  // namespace perfadvise
