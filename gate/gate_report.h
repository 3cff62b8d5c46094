// The gate's outputs: a Markdown summary (for $GITHUB_STEP_SUMMARY and PR comments), the same
// summary for a terminal, JUnit XML (one testcase per gate) and JSON.
#pragma once

#include <string>

#include "gate/gate.h"

namespace perfadvise::gate {

/// GitHub refuses step summaries above 1 MiB; the summary is cut below this with a note.
inline constexpr size_t kMaxSummaryBytes = 1000 * 1000;

std::string gate_markdown(const GateResult& result);
/// Plain text with aligned columns; ANSI colors on the verdicts when `color` is set.
std::string gate_text(const GateResult& result, bool color);
std::string gate_junit(const GateResult& result);
std::string gate_json(const GateResult& result);

/// Cuts `text` at a line boundary below `max_bytes`, saying so at the end.
std::string truncate_summary(const std::string& text, size_t max_bytes = kMaxSummaryBytes);

/// A value in the metric's unit: "12.345 ms", "3", "1.5 MiB".
std::string format_value(const std::string& metric, MetricKind kind, double value);
/// The change column: "+3", "+6.812 ms (+9.6%)".
std::string format_change(const Check& check);

}  // namespace perfadvise::gate
