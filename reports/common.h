// Helpers every reporter shares: names of enums, number formatting, and where an evidence event
// sits in time. Spreads over steps are an analysis concept: analyzer/spread.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/spread.h"  // spread_of, for the reporters

namespace perfadvise {

std::string_view severity_name(Severity severity);
std::string_view confidence_name(Confidence confidence);
std::string_view step_method_name(StepMethod method);
std::string_view event_table_name(EventRef::Table table);
std::string_view memcpy_kind_name(MemcpyKind kind);
std::string_view sync_type_name(SyncType type);

/// "loss.py:28" (file basename kept as recorded), or the op when the file is unknown.
std::string location_label(const Location& location);
/// Milliseconds with a precision that suits the magnitude: "24.1 ms", "0.312 ms", "1,204 ms".
std::string format_ms(double ms);
/// "12.4 MB", "512 B".
std::string format_bytes(double bytes);

/// [start, end) of an evidence event in its profile, or nullopt when the index is out of range.
std::optional<std::pair<TimeNs, TimeNs>> event_span(const Profile& profile, const EventRef& ref);

/// The name of the process for titles: "rank 0 (pid 4242)" or "pid 4242".
std::string process_label(const Profile& profile);

/// The median step time and GPU busy share of a process (0 when no steps were measured).
struct Verdict {
  size_t steps = 0;
  double step_ms = 0;
  double busy_share = 0;
};
Verdict verdict_of(const ProcessAnalysis& process);

/// "recording overhead: +X% per step (...)": what `perfadvise run --measure-overhead` measured.
std::string overhead_line(const RecordingOverhead& overhead);

/// "launch detail sampled (...): N of M steps analyzed, ...": which steps the analysis read.
std::string launch_detail_line(const LaunchDetailSampling& sampling);

}  // namespace perfadvise
